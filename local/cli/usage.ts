export class UsageError extends Error {
  override name = 'UsageError';
}

export const USAGE = `usage: crm <command> [options]

commands:
  demo     [--dir D] [--seed N] [--customers N] [--months N] [--quiet]
           generate a realistic CRM data set into D/input/<table>.ndjson, ingest it, fill D/lake, print a summary
  ingest   FILE --entity E [--dir D] [--format ndjson|csv|json] [--quiet]
           ingest a file through the ingest handler; prints {accepted, rejected, errors:[{line, field, message}]}
           exit 0 all accepted, 2 some rejected (the accepted ones are stored), 1 usage or system error
  query    "SQL" [--dir D] [--format table|csv|json]
           Athena-dialect SQL over the local lake: <table> (current state) and <table>_history (every version)
  report   NAME|all [--as-of YYYY-MM-DD] [--dir D] [--quiet]
           run reports on data up to the as-of date (default today, UTC); writes D/reports/NAME/as_of=DATE/
           (summary.json, dashboard.html, <table>/<table>.parquet); query them as NAME_<table>
  customer ID | --phone P | --email E [--dir D]
           the customer 360 profile as JSON (a merged id finds the survivor; phone and e-mail normalised as for
           deduplication: "+44 (0)20 7946 0958", "0044 20 7946 0958" and "+442079460958" are one number)
           exit 0 found, 3 no such customer (message on stderr, nothing on stdout), 4 several customers match
           (their ids on stdout as {candidates}), 1 usage or system error
  report   open NAME [--as-of YYYY-MM-DD] --stage S
           a pre-signed link (5 minutes) to the dashboard of a deployed stage's run (default: its latest)
  --stage S  (ingest, query, report, customer) act on the deployed stack Crm-S instead of --dir: its outputs
           through CloudFormation, ingest through the SigV4-signed API (batches of 500, retries on 503),
           query in its Athena workgroup, report by starting the scheduled run and waiting; needs AWS
           credentials and AWS_REGION
  erase    CUSTOMER_ID [--dir D]
           erase a customer (with merged twins, contacts and leads): personal data deleted from the table,
           tombstones and an audit record written, lake and event-log hashes removed; prints a JSON summary
           exit 0 erased (or already erased), 1 no such customer
  rules    test --cases FILE
           test EventBridge event patterns: FILE is a JSON array of {name, pattern, event}; prints
           [{name, result}] with result match, no-match or invalid
  rules    list [--dir D]
           the automation rules (built-ins merged with crm.automation.json) with trigger, state and run counts
  rules    validate [FILE]
           check an automation configuration (default crm.automation.json or $CRM_AUTOMATION_CONFIG);
           exit 0 valid, 2 invalid with one "rule <id>: <field>: <reason>" line per problem
  automations run [--as-of YYYY-MM-DD | --from D1 --to D2] [--dir D]
           run the schedule and date rules for each day in the range, the rules' clock on that day
           (default: the data set's last day after crm demo, else today)
  events   replay [--from ISO] [--to ISO] [--dir D]
           re-deliver archived events (D/events/) to the event rules, as an EventBridge archive replay; idempotent
  lake     compact [--date YYYY-MM-DD] [--table T[,T...]] [--dir D]
           compact the lake's change log into the snapshots of a day (default yesterday, UTC), as the daily
           compaction does in AWS; <table> then reads the latest snapshot and the changes since; prints
           [{table, snapshotDt, rows}]
  serve    [--dir D] [--port 8787]
           the HTTP API's routes on 127.0.0.1 (POST /v1/{entity}, GET /v1/customers/{id}, GET /v1/customers?phone=|email=)
           with the local stack behind them, and an index of the report dashboards at /; prints its URL on stdout;
           Ctrl-C drains the stream and stops; a busy port exits 1 with a message
  attribution --input FILE [--half-life-days 7]
           multi-touch attribution of a path file (path;total_conversions;total_conversion_value;total_null,
           channels separated by " > "); prints {total, models: {first_touch, last_touch, linear, time_decay,
           position_based, markov: [{channel, conversions, value}]}}; exit 2 on a bad line (line, field, reason)
  forecast --input FILE [--horizon H] [--season M] [--level 95]
           forecast a series (CSV with a period,value header, or JSON: [numbers] or [{period, value}]; periods
           integers or dates, the season inferred from date spacing) with automatic ETS; prints {model, point,
           lower, upper}, the bounds at the given level; exit 2 on bad input (line, field, reason)

common: --dir D holds all local state (default .crm); machine-readable output on stdout, progress on stderr.
        On a terminal, demo, ingest and report draw a progress line (rows, rate, ETA) on stderr; --quiet turns it off.`;
