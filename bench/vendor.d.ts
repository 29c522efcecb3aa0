// The shapes of autocannon, which ships no types, that the runner uses.

declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Readonly<Record<string, string>>;
      body?: string | Buffer;
      setupRequest?(request: Request, context: Record<string, unknown>): Request | null;
      onResponse?(status: number, body: string, context: Record<string, unknown>): void;
    }
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      amount?: number;
      requests?: Request[];
    }
    interface Result {
      readonly duration: number;
      readonly errors: number;
      readonly timeouts: number;
      readonly non2xx: number;
      readonly requests: { readonly total: number; readonly sent: number };
    }
    interface Instance extends PromiseLike<Result> {
      stop(): void;
      on(
        event: 'response',
        listener: (client: unknown, status: number, bytes: number, milliseconds: number) => void,
      ): this;
    }
  }
  function autocannon(options: autocannon.Options): autocannon.Instance;
  export default autocannon;
}
