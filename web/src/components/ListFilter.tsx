/** A labelled select for one list filter; the empty option means "any". */
export function ListFilter({ label, value, options, onChange }: { label: string; value: string | undefined; options: readonly string[]; onChange(value: string): void }) {
  return (
    <label>
      {label}{' '}
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value)}>
        <option value="">any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}
