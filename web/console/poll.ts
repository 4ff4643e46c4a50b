// Reading one of the console's JSON resources now and every `intervalMs`, as long as the page
// shows it; the last good answer stays while a later read fails.
import { useEffect, useRef, useState } from 'preact/hooks';

export function usePoll<T>(url: string, intervalMs: number): { data: T | undefined; error: string | undefined; reload: () => Promise<void> } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const stopped = useRef(false);
  const reload = async (): Promise<void> => {
    try {
      const res = await fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } });
      const body = (await res.json()) as T & { message?: string };
      if (!res.ok) throw new Error(body.message ?? `HTTP ${res.status}`);
      if (stopped.current) return;
      setData(body);
      setError(undefined);
    } catch (err) {
      if (!stopped.current) setError((err as Error).message);
    }
  };
  useEffect(() => {
    stopped.current = false;
    void reload();
    const timer = window.setInterval(() => void reload(), intervalMs);
    return () => {
      stopped.current = true;
      window.clearInterval(timer);
    };
  }, [url, intervalMs]);
  return { data, error, reload };
}
