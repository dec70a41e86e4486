/**
 * Selection trees generated from the schema, printed as operations with every argument a variable, and
 * split into several operations when one would break the server's query limits (depth, cost, tokens):
 * together the pieces still select every path of the whole tree, each piece keeping `__typename` and `id`
 * at every level so a leak can be traced to its object.
 */
import { Lexer, Source, TokenKind } from 'graphql';

/** An argument: its printed GraphQL type (for the variable definition) and its value. */
export interface Arg {
  name: string;
  type: string;
  value: unknown;
}

/** A field, or an inline fragment (`on` set), in a selection tree. */
export interface Sel {
  name: string;
  /** Set where two fragments select the same name with different types. */
  alias?: string;
  /** The field's printed type, to tell such conflicts. */
  type?: string;
  on?: string;
  args: Arg[];
  /** How many items the server's cost counts the children for: a connection's `first` (default page size when omitted), else 1. */
  items: number;
  children: Sel[];
}

const ANCHORS = new Set(['__typename', 'id']);

export const field = (name: string, children: Sel[] = [], args: Arg[] = [], items = 1): Sel => ({ name, args, items, children });

/**
 * The operation text and variables for these root selections. Equal arguments share a variable, so that
 * the same field selected in two fragments merges instead of conflicting.
 */
export function printOperation(kind: 'query' | 'mutation' | 'subscription', roots: readonly Sel[]): { text: string; variables: Record<string, unknown> } {
  const definitions: string[] = [];
  const variables: Record<string, unknown> = {};
  const shared = new Map<string, string>();
  const variableFor = (a: Arg) => {
    const key = `${a.type}:${JSON.stringify(a.value)}`;
    if (!shared.has(key)) {
      const variable = `v${definitions.length}`;
      definitions.push(`$${variable}: ${a.type}`);
      variables[variable] = a.value;
      shared.set(key, variable);
    }
    return shared.get(key)!;
  };
  const print = (sel: Sel): string => {
    if (sel.on) return `... on ${sel.on} { ${sel.children.map(print).join(' ')} }`;
    const args = sel.args.map((a) => `${a.name}: $${variableFor(a)}`);
    const name = sel.alias ? `${sel.alias}: ${sel.name}` : sel.name;
    const head = args.length > 0 ? `${name}(${args.join(', ')})` : name;
    return sel.children.length > 0 ? `${head} { ${sel.children.map(print).join(' ')} }` : head;
  };
  const body = roots.map(print).join(' ');
  const header = definitions.length > 0 ? `${kind} Sweep(${definitions.join(', ')})` : `${kind} Sweep`;
  return { text: `${header} { ${body} }`, variables };
}

/** The server's static cost: a field costs 1 plus its items times its children (fragments cost nothing themselves). */
export function cost(sel: Sel): number {
  const inner = sel.children.reduce((sum, c) => sum + cost(c), 0);
  return sel.on ? inner : 1 + sel.items * inner;
}

/** Field nesting as the server counts it (fragments add no level). */
export function depth(sel: Sel): number {
  const inner = sel.children.reduce((max, c) => Math.max(max, depth(c)), 0);
  return sel.on ? inner : 1 + inner;
}

/** Lexical tokens of the printed selection (variables make arguments cheap: `name: $v` is three). */
export function tokens(sel: Sel): number {
  const lexer = new Lexer(new Source(printOperation('query', [sel]).text));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) count++;
  return count;
}

export interface Budget {
  cost: number;
  tokens: number;
}

/**
 * Splits a root selection into pieces within the budget. Children that fit go into as few pieces as
 * possible; a child too big alone is split the same way, one level down. A piece that cannot be made to
 * fit (one leaf too expensive) is returned as is, so the server's refusal names it.
 */
export function splitWithin(sel: Sel, budget: Budget): Sel[] {
  if (sel.children.length === 0 || (cost(sel) <= budget.cost && tokens(sel) <= budget.tokens)) return [sel];
  const anchors = sel.children.filter((c) => ANCHORS.has(c.name) && !c.on);
  const rest = sel.children.filter((c) => !anchors.includes(c));
  const shell = { ...sel, children: anchors };
  const own = { cost: cost(shell), tokens: tokens(shell) };
  const perItem = sel.on ? 1 : sel.items;
  const childBudget = { cost: Math.floor((budget.cost - own.cost) / Math.max(perItem, 1)), tokens: budget.tokens - own.tokens };
  const pieces = rest.flatMap((c) => splitWithin(c, childBudget)).map((c) => ({ sel: c, cost: cost(c), tokens: tokens(c) }));
  pieces.sort((a, b) => b.cost - a.cost);
  const groups: Array<{ children: Sel[]; cost: number; tokens: number }> = [];
  for (const piece of pieces) {
    const group = groups.find((g) => g.cost + piece.cost <= childBudget.cost && g.tokens + piece.tokens <= childBudget.tokens);
    if (group) {
      group.children.push(piece.sel);
      group.cost += piece.cost;
      group.tokens += piece.tokens;
    } else {
      groups.push({ children: [piece.sel], cost: piece.cost, tokens: piece.tokens });
    }
  }
  return groups.map((g) => ({ ...sel, children: [...anchors, ...g.children] }));
}
