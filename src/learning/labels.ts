/**
 * Reading out an unsupervised network (Diehl & Cook 2015): each neuron is labelled with the
 * class it answered most (highest mean spike count per image of that class), and an image is
 * predicted as the class whose neurons answered it most on average. Pure functions.
 */

/**
 * The class each neuron answered most on average over the images of each class; −1 for a
 * neuron that never spiked.
 * @example assignLabels([[3, 0], [0, 1]], [0, 1], 2) // [0, 1]
 */
export function assignLabels(responses: ArrayLike<number>[], labels: number[], classes: number): number[] {
  if (!responses.length) return [];
  const neurons = responses[0].length;
  const sums = Array.from({ length: classes }, () => new Float64Array(neurons));
  const counts = new Float64Array(classes);
  responses.forEach((r, k) => {
    counts[labels[k]]++;
    for (let i = 0; i < neurons; i++) sums[labels[k]][i] += r[i];
  });
  return Array.from({ length: neurons }, (_, i) => {
    let best = -1;
    let bestMean = 0;
    for (let c = 0; c < classes; c++) {
      const mean = counts[c] ? sums[c][i] / counts[c] : 0;
      if (mean > bestMean) [best, bestMean] = [c, mean];
    }
    return best;
  });
}

/**
 * The class whose assigned neurons answered `response` most on average; −1 if none answered.
 * @example predictClass([5, 0, 1], [0, 1, 1], 2) // 0
 */
export function predictClass(response: ArrayLike<number>, assignments: number[], classes: number): number {
  const sums = new Float64Array(classes);
  const counts = new Float64Array(classes);
  assignments.forEach((c, i) => {
    if (c < 0) return;
    sums[c] += response[i];
    counts[c]++;
  });
  let best = -1;
  let bestMean = 0;
  for (let c = 0; c < classes; c++) {
    const mean = counts[c] ? sums[c] / counts[c] : 0;
    if (mean > bestMean) [best, bestMean] = [c, mean];
  }
  return best;
}

/**
 * Confusion counts: `matrix[truth][predicted]`; a prediction of −1 (no answer) counts in no
 * column, as an error.
 */
export function confusionMatrix(truth: number[], predicted: number[], classes: number): number[][] {
  const matrix = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  truth.forEach((t, k) => {
    if (predicted[k] >= 0) matrix[t][predicted[k]]++;
  });
  return matrix;
}

/** Fraction of predictions equal to the truth. */
export function accuracyOf(truth: number[], predicted: number[]): number {
  return truth.length ? truth.filter((t, k) => predicted[k] === t).length / truth.length : 0;
}
