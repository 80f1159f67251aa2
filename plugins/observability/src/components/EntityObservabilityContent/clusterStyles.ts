// Colours and dash patterns of the clusters' lines: the pattern tells the clusters
// apart where the colour does not (colour vision, grey-scale print).
const COLOURS = [
  '#1f77b4',
  '#d95f02',
  '#2ca02c',
  '#7570b3',
  '#e7298a',
  '#66a61e',
  '#a6761d',
  '#666666',
];
const DASHES = ['', '6 3', '2 3', '10 3 2 3'];

export function clusterStyle(index: number) {
  return {
    stroke: COLOURS[index % COLOURS.length],
    strokeDasharray: DASHES[index % DASHES.length] || undefined,
  };
}
