/** An entity's JSON exactly as the API returned it, folded away until asked for. */
export function Raw({ value }: { value: unknown }) {
  return (
    <details class="raw">
      <summary>Raw JSON</summary>
      <pre>{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}
