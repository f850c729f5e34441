// The PostgreSQL grammar only (about 300 KB): one dialect keeps the MCP bundle small, and what it
// cannot read is never allowed through (it is flagged as unparsed and checked by the text rules).
// Only the MCP gateway imports this file: the risk rules receive it as `RiskInput.sqlParser`, so the
// chat proxy, which has no SQL arguments, does not bundle the grammar.
import postgresql from 'node-sql-parser/build/postgresql.js';
import type { Parser as SqlParser } from 'node-sql-parser';

// The build is CommonJS without named ESM exports: its `Parser` is reached through the default export.
const { Parser } = postgresql as unknown as { Parser: new () => SqlParser };
const parser = new Parser();

/** The statements of a SQL text as node-sql-parser's AST; throws when the text is not SQL it can read. */
export const parsePostgres = (sql: string): unknown => parser.astify(sql, { database: 'PostgresQL' });
