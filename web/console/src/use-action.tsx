import type { JSX } from 'preact';
import { useState } from 'preact/hooks';

/** Runs a control-plane call and keeps its failure, shown where the call was made. */
export function useAction(): { run: (fn: () => Promise<void>) => Promise<void>; error: JSX.Element | null } {
  const [error, setError] = useState<string | null>(null);
  return {
    run: async (fn) => {
      setError(null);
      try {
        await fn();
      } catch (failure) {
        setError((failure as Error).message);
      }
    },
    error: error ? (
      <p class="error" role="alert">
        {error}
      </p>
    ) : null,
  };
}
