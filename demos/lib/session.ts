/**
 * A live page's network and its player: builds (the newest wins: a build that a newer one
 * overtakes resolves to null and never gets a player), play, pause and step, with the
 * buttons following. Nothing is clickable while a network builds, so no player outlives the
 * network it drives.
 */
import type { Player } from './simClient.ts';
import type { PlayState } from './ui.ts';

export class Session {
  private player: Player | null = null;
  private generation = 0;

  constructor(private readonly controls: (state: PlayState) => void) {}

  get playing(): boolean {
    return this.player?.playing ?? false;
  }

  /**
   * Stop the current player, `create` a network, then attach `makePlayer(built)`.
   * @returns the network, or null when a newer build overtook this one
   * @throws what `create` throws (the controls stay disabled until a build succeeds)
   */
  async build<T>(create: () => Promise<T>, makePlayer: (built: T) => Player): Promise<T | null> {
    const gen = ++this.generation;
    const old = this.player;
    this.player = null;
    this.controls('building');
    await old?.pause();
    const built = await create().catch((e: unknown) => {
      if (gen !== this.generation) return null;
      throw e;
    });
    if (gen !== this.generation || built === null) return null;
    this.player = makePlayer(built);
    this.controls('paused');
    return built;
  }

  play(): void {
    if (!this.player || this.player.playing) return;
    this.controls('playing');
    this.player.play();
  }

  async pause(): Promise<void> {
    const p = this.player;
    if (!p) return;
    this.controls('building');
    await p.pause();
    if (p === this.player) this.controls('paused');
  }

  async step(ms: number): Promise<void> {
    const p = this.player;
    if (!p || p.playing) return;
    this.controls('building');
    try {
      await p.step(ms);
    } finally {
      if (p === this.player) this.controls('paused');
    }
  }

  /** The player stopped on an error. */
  stopped(): void {
    if (this.player) this.controls('paused');
  }
}
