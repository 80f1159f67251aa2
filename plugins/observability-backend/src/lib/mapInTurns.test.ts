import { setImmediate as nextTurn } from 'node:timers/promises';
import { mapInTurns } from './mapInTurns';

describe('mapInTurns', () => {
  it('starts every item, a slice per turn of the event loop, and keeps the order', async () => {
    const startedBeforeTurn: number[] = [];
    let started = 0;
    const turns = (async () => {
      // Counts what had started at each turn while the fan-out runs.
      for (let i = 0; i < 4; i++) {
        await nextTurn();
        startedBeforeTurn.push(started);
      }
    })();
    const pending: Array<() => void> = [];
    const results = mapInTurns(
      Array.from({ length: 25 }, (_, i) => i),
      item =>
        new Promise<number>(resolve => {
          started++;
          pending.push(() => resolve(item * 2));
        }),
      10,
    );
    await turns;
    // Not all at once: 10 in the first stretch, then 10 more per turn.
    expect(startedBeforeTurn[0]).toBeLessThan(25);
    expect(startedBeforeTurn[0]).toBeGreaterThanOrEqual(10);
    expect(startedBeforeTurn.at(-1)).toBe(25);
    // None waited for an earlier one to finish.
    pending.forEach(resolve => resolve());
    expect(await results).toEqual(Array.from({ length: 25 }, (_, i) => i * 2));
  });

  it('rejects with the first failure, without an unhandled rejection of the others', async () => {
    const unhandled = jest.fn();
    process.on('unhandledRejection', unhandled);
    try {
      await expect(
        mapInTurns(
          [1, 2, 3],
          async n => {
            throw new Error(`failed ${n}`);
          },
          1,
        ),
      ).rejects.toThrow('failed 1');
      await nextTurn();
      expect(unhandled).not.toHaveBeenCalled();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});
