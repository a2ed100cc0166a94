// Everything one run of one rule reads, loaded lazily and at most once: the subject record, its customer,
// users, and the owner an action should use (including fair assignment within a team).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { openLoadByOwner, teamMembers, type TeamMember } from '#lib/table/automation-index.ts';
import { entityByTable } from '#schemas/registry.ts';
import type { OwnerChoice, ResolvedRule } from '#schemas/rules.ts';
import type { Invocation } from './invocation.ts';
import { PermanentActionError } from './ports.ts';
import type { Rec, RuleTable, StoredRecord } from './table-reads.ts';

/** Open items assigned by this process that the stream-maintained load index may not show yet. */
export class LoadLedger {
  private readonly added = new Map<string, number>();
  add(ownerId: string, n = 1) {
    this.added.set(ownerId, (this.added.get(ownerId) ?? 0) + n);
  }
  get(ownerId: string) {
    return this.added.get(ownerId) ?? 0;
  }
  /** Called once the stream has caught up (locally after each drain). */
  clear() {
    this.added.clear();
  }
}

export interface ContextServices {
  client: DynamoDBClient;
  tableName: string;
  table: RuleTable;
  ledger: LoadLedger;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

export class RunContext {
  private subjectLoaded?: Promise<StoredRecord | undefined>;
  private customerLoaded?: Promise<Rec | undefined>;
  private readonly users = new Map<string, Promise<StoredRecord | undefined>>();
  private readonly teams = new Map<string, Promise<TeamMember[]>>();

  constructor(
    readonly rule: ResolvedRule,
    readonly runId: string,
    readonly invocation: Invocation,
    readonly services: ContextServices,
  ) {}

  subject(): Promise<StoredRecord | undefined> {
    const ref = this.invocation.subject;
    this.subjectLoaded ??= ref ? this.services.table.record(ref.table, ref.id) : Promise.resolve(undefined);
    return this.subjectLoaded;
  }

  /** Forget the cached subject after an action changed it. */
  subjectChanged() {
    this.subjectLoaded = undefined;
  }

  async customerId(): Promise<string | undefined> {
    const ref = this.invocation.subject;
    if (ref?.table === 'customers') return ref.id;
    const subject = await this.subject();
    return str(subject?.data.customerId) ?? this.invocation.customerId;
  }

  customer(): Promise<Rec | undefined> {
    this.customerLoaded ??= (async () => {
      const ref = this.invocation.subject;
      if (ref?.table === 'customers') return (await this.subject())?.data;
      const id = await this.customerId();
      return id ? (await this.services.table.record('customers', id))?.data : undefined;
    })();
    return this.customerLoaded;
  }

  user(id: string): Promise<StoredRecord | undefined> {
    let u = this.users.get(id);
    if (!u) {
      u = this.services.table.record('users', id);
      this.users.set(id, u);
    }
    return u;
  }

  team(name: string): Promise<TeamMember[]> {
    let t = this.teams.get(name);
    if (!t) {
      t = teamMembers(this.services.client, this.services.tableName, name);
      this.teams.set(name, t);
    }
    return t;
  }

  async openLoad(ownerId: string): Promise<number> {
    return (await openLoadByOwner(this.services.client, this.services.tableName, ownerId)) + this.services.ledger.get(ownerId);
  }

  /** The template scope: `detail`, `record`, `customer`, `rule`, `params`, `date`. */
  async scope(): Promise<Record<string, unknown>> {
    const record = (await this.subject())?.data ?? {};
    return { detail: this.invocation.detail, record, customer: (await this.customer()) ?? {}, rule: { id: this.rule.id }, params: this.rule.params ?? {}, date: this.invocation.clock.slice(0, 10) };
  }

  /** The user an action addresses, or undefined when the choice names nobody (a record without owner). */
  async owner(choice: OwnerChoice): Promise<string | undefined> {
    switch (choice.from) {
      case 'user':
        return choice.userId;
      case 'record': {
        const data = (await this.subject())?.data;
        return str(data?.ownerId) ?? str(data?.assigneeId) ?? str((await this.customer())?.ownerId);
      }
      case 'customer':
        return str((await this.customer())?.ownerId);
      case 'manager': {
        const members = await this.team(choice.team);
        return members.find((m) => m.active && m.role === 'manager')?.id;
      }
      case 'team':
        return (await this.pickAssignee(choice.team, choice.strategy))?.id;
    }
  }

  /**
   * Fair assignment within a team: active reps and agents below their capacity; least loaded (ties by id) or the
   * next in turn. `exclude` keeps a record from going back to the owner it is taken from.
   */
  async pickAssignee(teamName: string, strategy: 'round_robin' | 'least_loaded', exclude?: string): Promise<TeamMember | undefined> {
    const members = (await this.team(teamName)).filter((m) => m.active && (m.role === 'rep' || m.role === 'agent') && m.id !== exclude);
    const loads = await Promise.all(members.map(async (m) => ({ m, load: await this.openLoad(m.id) })));
    const eligible = loads.filter(({ m, load }) => m.capacity === undefined || load < m.capacity).sort((a, b) => (a.m.id < b.m.id ? -1 : 1));
    if (eligible.length === 0) return undefined;
    if (strategy === 'least_loaded') return eligible.reduce((best, x) => (x.load < best.load ? x : best)).m;
    const turn = await this.services.table.nextTurn(teamName);
    return eligible[(turn - 1) % eligible.length]!.m;
  }

  entityOfSubject() {
    const ref = this.invocation.subject;
    const entity = ref ? entityByTable(ref.table) : undefined;
    if (!ref || !entity) throw new PermanentActionError(`rule ${this.rule.id}: the trigger names no record to act on`);
    return { ref, entity };
  }
}
