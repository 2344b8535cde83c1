// Saving a file the module wrote: a CSV named with the day, in the browser's downloads.

const today = () => {
  const date = new Date();
  return [date.getFullYear(), date.getMonth() + 1, date.getDate()].map((part) => String(part).padStart(2, '0')).join('-');
};

/** Downloads `csv` as `invite-desk-{name}-{yyyy-mm-dd}.csv`. */
export function downloadCsv(name, csv) {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  link.download = `invite-desk-${name}-${today()}.csv`;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}
