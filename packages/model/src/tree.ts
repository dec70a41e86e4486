/**
 * A regression tree in flat arrays (JSON as it is). Node 0 is the root; node k is a leaf when
 * `feature[k] === -1`, otherwise rows with `x[feature[k]] <= threshold[k]` go to `left[k]`, the others to
 * `right[k]`. `value[k]` is the node's output in log-odds (for inner nodes, what it would output as a
 * leaf: the path attribution of explanations uses it); `gain[k]` the loss reduction of its split.
 */
export interface Tree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
  gain: number[];
}

export function leafOf(tree: Tree, row: ArrayLike<number>): number {
  let node = 0;
  for (let f = tree.feature[0] as number; f >= 0; f = tree.feature[node] as number) {
    node = (row[f] as number) <= (tree.threshold[node] as number) ? (tree.left[node] as number) : (tree.right[node] as number);
  }
  return node;
}

export function treeValue(tree: Tree, row: ArrayLike<number>): number {
  return tree.value[leafOf(tree, row)] as number;
}

/**
 * Saabas path attribution: each split on the row's path credits its feature with the change in node value
 * it caused. Adds the credits into `out`; returns the root value, so root + Σ credits = the leaf value.
 */
export function addPathContributions(tree: Tree, row: ArrayLike<number>, out: Float64Array): number {
  let node = 0;
  for (let f = tree.feature[0] as number; f >= 0; f = tree.feature[node] as number) {
    const next = (row[f] as number) <= (tree.threshold[node] as number) ? (tree.left[node] as number) : (tree.right[node] as number);
    out[f] = (out[f] as number) + (tree.value[next] as number) - (tree.value[node] as number);
    node = next;
  }
  return tree.value[0] as number;
}
