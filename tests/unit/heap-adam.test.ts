import { describe, expect, it } from 'vitest';
import { FlatAdam } from '../../agents/shared/flat-adam.ts';
import { HeapAdam } from '../../agents/shared/heap-adam.ts';
import { HeapSpace } from '../../agents/shared/heap-gemm.ts';
import { Rng } from '../../sim/rng.ts';

describe('HeapAdam', () => {
  it("gives FlatAdam's parameters and moments bit for bit, step after step, odd sizes and options included", () => {
    const rng = new Rng(7);
    for (const [size, options] of [
      [1, { learningRate: 1 }],
      [7, { learningRate: 3e-4 }],
      [70_000, { learningRate: 1e-3, beta1: 0.5, beta2: 0.99, epsilon: 1e-5 }],
    ] as const) {
      const space = new HeapSpace();
      const params = space.matrix(1, size);
      const gradient = space.matrix(1, size);
      params.values.set(Float32Array.from({ length: size }, () => rng.normal()));
      const reference = Float32Array.from(params.values);
      const heapAdam = new HeapAdam(space, size, options);
      const flatAdam = new FlatAdam(size, options);
      for (let step = 0; step < 5; step++) {
        // Gradients over many magnitudes, zeros too, so that roundings of every size are compared.
        gradient.values.set(Float32Array.from({ length: size }, (_, i) => (i % 5 === 0 ? 0 : rng.normal() * 10 ** ((i % 7) - 3))));
        heapAdam.step(params, gradient);
        flatAdam.step(reference, gradient.values);
        expect(params.values).toEqual(reference);
      }
      const [heapState, flatState] = [heapAdam.getState(), flatAdam.getState()];
      expect(heapState).toEqual(flatState);
      heapAdam.dispose();
      space.dispose();
      expect(space.liveMatrices).toBe(0);
    }
  });

  it('continues identically after saving and restoring its state, and refuses moments of another size', () => {
    const space = new HeapSpace();
    const [pa, pb, gradient] = [space.matrix(1, 3), space.matrix(1, 3), space.matrix(1, 3)];
    pa.values.set([1, -1, 0.5]);
    gradient.values.set([0.3, -0.2, 0.1]);
    const a = new HeapAdam(space, 3, { learningRate: 0.01 });
    a.step(pa, gradient);
    const b = new HeapAdam(space, 3, { learningRate: 0.01 });
    b.setState(a.getState());
    pb.values.set(pa.values);
    gradient.values.set([0.1, 0.4, -2]);
    a.step(pa, gradient);
    b.step(pb, gradient);
    expect(pb.values).toEqual(pa.values);
    expect(() => b.setState({ firstMoment: new Float32Array(1), secondMoment: new Float32Array(1), steps: 1 })).toThrow(/moments of 3/);
    expect(() => b.step(pa, space.matrix(1, 4))).toThrow(/not one size/);
    space.dispose();
  });

  it("stops at the first step that overflows its second moment, with FlatAdam's message", () => {
    const space = new HeapSpace();
    const [params, gradient] = [space.matrix(1, 2), space.matrix(1, 2)];
    params.values.set([1, 1]);
    const adam = new HeapAdam(space, 2, { learningRate: 1e-3 });
    gradient.values.set([1e10, 1]);
    adam.step(params, gradient);
    // (1 - beta2) 1e22^2 = 1e41 is beyond float32's 3.4e38: the moment becomes Infinity.
    gradient.values.set([1e22, 1]);
    expect(() => adam.step(params, gradient)).toThrow('training diverged: a gradient, an Adam moment or a parameter became Infinity at Adam step 2');
    gradient.values.set([Number.NaN, 1]);
    expect(() => adam.step(params, gradient)).toThrow(/became NaN at Adam step 3/);
    space.dispose();
  });
});
