// A counter every view reads; bumping it after a change makes views reload.
export const data = $state({ version: 0 });

export function refresh() {
  data.version++;
}
