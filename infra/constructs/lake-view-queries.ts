// One Athena named query per lake view, so an analyst finds every view in the workgroup's saved queries
// with what it holds. The views are whatever the lake catalog declares (VIRTUAL_VIEW tables), so a view
// added there gets its query without a change here. A nested stack of its own: one query per view grows with the
// entities, and the parent stack stays under CloudFormation's 500 resources.
import { NestedStack } from 'aws-cdk-lib';
import { CfnNamedQuery } from 'aws-cdk-lib/aws-athena';
import type { CfnTable } from 'aws-cdk-lib/aws-glue';
import type { Construct } from 'constructs';

export interface LakeViewQueriesProps {
  /** Glue tables of the lake catalog; the views among them get a query. */
  readonly tables: readonly CfnTable[];
  readonly databaseName: string;
  readonly workGroupName: string;
}

export class LakeViewQueries extends NestedStack {
  /** By view name. */
  readonly queries = new Map<string, CfnNamedQuery>();

  constructor(scope: Construct, id: string, props: LakeViewQueriesProps) {
    super(scope, id, { description: 'Athena named queries of the lake views' });
    for (const table of props.tables) {
      const input = table.tableInput as CfnTable.TableInputProperty;
      if (input.tableType !== 'VIRTUAL_VIEW' || typeof input.name !== 'string') continue;
      const query = new CfnNamedQuery(this, `View-${input.name}`, {
        name: input.name,
        description: (typeof input.description === 'string' ? input.description : `The lake view ${input.name}.`).slice(0, 1024),
        database: props.databaseName,
        workGroup: props.workGroupName,
        queryString: `SELECT * FROM "${input.name}" LIMIT 100`,
      });
      query.node.addDependency(table);
      this.queries.set(input.name, query);
    }
  }
}
