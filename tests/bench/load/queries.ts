/**
 * What the load bench asks: an operator's customers page (`customers(first: 20)` with a few nested fields)
 * and an agent's task list, as the everyday requests of the console and the agents' app.
 */
export const OPERATOR_PAGE = `query OperatorPage {
  customers(first: 20) {
    pageInfo { hasNextPage }
    edges { node {
      msisdn name tier status region { code name }
      usage(months: 3) { edges { node { month revenueCents } } }
      tasks(first: 3) { edges { node { state dueAt } } }
    } }
  }
}`;

export const TASK_LIST = `query TaskList {
  tasks(first: 20) {
    pageInfo { hasNextPage }
    edges { node { state reason dueAt customer { msisdn name tier } } }
  }
}`;

/** Who the baseline serves each bearer token as: the scope its one statement applies. */
export type BaselineScope = { kind: 'all' } | { kind: 'regions'; path: string } | { kind: 'agent'; agentId: string };

/** The operator's region and the agent of the load bench (the bench setup assigns tasks to agent-1 … agent-7). */
export const OPERATOR_REGION = 'JS-NJ';
export const AGENT_ID = 'agent-1';
