// One Athena named query per lake view, so an analyst finds every view in the workgroup's saved queries
// with what it holds. The views are whatever the lake catalog declares (VIRTUAL_VIEW tables), so a view
// added there gets its query without a change here.
import { CfnNamedQuery } from 'aws-cdk-lib/aws-athena';
import type { CfnTable } from 'aws-cdk-lib/aws-glue';
import { Construct } from 'constructs';

export interface LakeViewQueriesProps {
  /** Glue tables of the lake catalog; the views among them get a query. */
  readonly tables: readonly CfnTable[];
  readonly databaseName: string;
  readonly workGroupName: string;
}

export class LakeViewQueries extends Construct {
  /** By view name. */
  readonly queries = new Map<string, CfnNamedQuery>();

  constructor(scope: Construct, id: string, props: LakeViewQueriesProps) {
    super(scope, id);
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
