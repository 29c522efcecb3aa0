/**
 * The messages between the runner and a target's process (servers/child.mjs is the other side). A
 * child announces its port; the peers, whose codes live in their own memory, mint on request.
 */
export type ParentMessage = { readonly type: 'mint'; readonly count: number } | { readonly type: 'stop' };

export type ChildMessage =
  | { readonly type: 'ready'; readonly port: number }
  | { readonly type: 'minted'; readonly codes: readonly string[] }
  | { readonly type: 'failed'; readonly message: string };

/** What a peer is told about the one client and user that every exchange is for. */
export interface PeerFixture {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly redirectUri: string;
  readonly userId: string;
  readonly scope: string;
  readonly codeTtlSeconds: number;
}
