;; The off-policy learners' matrix product in wasm SIMD (f32x4), for matrices held in this module's own memory
;; (heap-gemm.ts allocates them), and the other passes of a gradient step over the same memory: Adam, Polyak
;; averaging and transposes (at the end of this file). Compiled into gemm-wasm.ts by `node scripts/embed-gemm.mjs`.
;;
;;   C[i, j] = act(bias[j] + sum over t of A(i, t) * B[t, j]),  i < m, j < n, t < k
;;
;; act is relu, or none; with a mask M (same layout as C), C[i, j] is zeroed where M[i, j] <= 0 (or NaN): the
;; backward pass's dz = dy * relu'(y) for the layer below, fused into the product dy = dz' K^T that gives its dy.
;;
;; B and C are row-major with their own row strides; A is read through two strides, A(i, t) = a[i * aRow + t * aStep],
;; so the same code gives A B (aRow = k, aStep = 1) and A^T B (aRow = 1, aStep = the rows' length) without
;; transposing or packing anything first. All strides are in floats, all addresses in bytes.
;;
;; Blocking: C is cut into blocks of 4 rows x 8 columns. A block keeps its 32 sums in 8 f32x4 registers for the
;; whole of k: each step loads 8 consecutive values of B's row t (2 vectors), broadcasts one A value per row
;; (4 splat loads) and does 8 multiply-adds, so the 8 sums, the 2 B vectors and the splat fit the 15 vector
;; registers V8 allocates on x86-64 without spilling, and 8 independent sums cover the latency of a fused
;; multiply-add. Rows beyond the last multiple of 4 and columns beyond the last multiple of 8 are done 4 columns
;; at a time, then one at a time.
;;
;; Two modules come from this file: as written, with relaxed SIMD's f32x4.relaxed_madd (a fused multiply-add where
;; the CPU has one: Chromium, Node >= 22, and Node 20 once tf.node.ts turns its flag on), and, for engines without
;; relaxed SIMD, the same with each (f32x4.relaxed_madd x y z) written as (f32x4.add z (f32x4.mul x y)) by
;; scripts/embed-gemm.mjs. Keep every relaxed_madd's operands plain local.gets, which that rewrite expects.
;;
;; Memory: bytes 0-15 stay zero (address 0 is "no bias"); bytes 16-19 hold 1.0f, the operand that turns a product
;; into column sums (aRow = aStep = 0 reads A(i, t) = 1). heap-gemm.ts allocates from byte 32 on.
(module
  ;; The memory is heap-gemm.ts's: shared with a helper thread that takes half of a large product (gemm-helper.ts),
  ;; or, where threads cannot share memory, an ordinary one (scripts/embed-gemm.mjs drops "shared" for that module).
  (import "env" "memory" (memory 1 16384 shared))
  (data (i32.const 16) "\00\00\80\3f")

  (func (export "gemm")
    (param $a i32) (param $aRow i32) (param $aStep i32)
    (param $b i32) (param $ldb i32)
    (param $c i32) (param $ldc i32)
    (param $bias i32) (param $m i32) (param $k i32) (param $n i32) (param $relu i32) (param $mask i32)
    (local $m4 i32) (local $n8 i32) (local $i i32) (local $j i32) (local $rowA i32) (local $rowC i32) (local $rowMask i32)
    (local.set $aRow (i32.shl (local.get $aRow) (i32.const 2)))
    (local.set $aStep (i32.shl (local.get $aStep) (i32.const 2)))
    (local.set $ldb (i32.shl (local.get $ldb) (i32.const 2)))
    (local.set $ldc (i32.shl (local.get $ldc) (i32.const 2)))
    (local.set $m4 (i32.and (local.get $m) (i32.const -4)))
    (local.set $n8 (i32.and (local.get $n) (i32.const -8)))
    ;; The 4 x 8 blocks.
    (local.set $i (i32.const 0))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_u (local.get $i) (local.get $m4)))
        (local.set $rowA (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRow))))
        (local.set $rowC (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))))
        (local.set $rowMask (i32.add (local.get $mask) (i32.mul (local.get $i) (local.get $ldc))))
        (local.set $j (i32.const 0))
        (block $columnsDone
          (loop $columns
            (br_if $columnsDone (i32.ge_u (local.get $j) (local.get $n8)))
            (call $block4x8
              (local.get $rowA) (local.get $aRow) (local.get $aStep)
              (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldb)
              (i32.add (local.get $rowC) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldc)
              (select (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))) (i32.const 0) (local.get $bias))
              (local.get $k) (local.get $relu)
              (select (i32.add (local.get $rowMask) (i32.shl (local.get $j) (i32.const 2))) (i32.const 0) (local.get $mask)))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $columns)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rows)))
    ;; The edges, a row at a time: every column of the rows below the blocks, the last n - n8 columns of the others.
    (local.set $i (i32.const 0))
    (block $edgeDone
      (loop $edgeRows
        (br_if $edgeDone (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $rowA (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $aRow))))
        (local.set $rowC (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))))
        (local.set $rowMask (i32.add (local.get $mask) (i32.mul (local.get $i) (local.get $ldc))))
        (local.set $j (select (local.get $n8) (i32.const 0) (i32.lt_u (local.get $i) (local.get $m4))))
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
            (call $row1x4
              (local.get $rowA) (local.get $aStep)
              (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldb)
              (i32.add (local.get $rowC) (i32.shl (local.get $j) (i32.const 2)))
              (select (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))) (i32.const 0) (local.get $bias))
              (local.get $k) (local.get $relu)
              (select (i32.add (local.get $rowMask) (i32.shl (local.get $j) (i32.const 2))) (i32.const 0) (local.get $mask)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $quads)))
        (block $singlesDone
          (loop $singles
            (br_if $singlesDone (i32.ge_u (local.get $j) (local.get $n)))
            (call $row1x1
              (local.get $rowA) (local.get $aStep)
              (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldb)
              (i32.add (local.get $rowC) (i32.shl (local.get $j) (i32.const 2)))
              (select (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))) (i32.const 0) (local.get $bias))
              (local.get $k) (local.get $relu)
              (select (i32.add (local.get $rowMask) (i32.shl (local.get $j) (i32.const 2))) (i32.const 0) (local.get $mask)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $singles)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $edgeRows))))

  ;; One 4 x 8 block of C; a points at A(row 0, t = 0), b at B[0, column 0], c at C[row 0, column 0] (byte strides).
  (func $block4x8
    (param $a i32) (param $aRow i32) (param $aStep i32) (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32)
    (param $bias i32) (param $k i32) (param $relu i32) (param $mask i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $x v128) (local $aRow2 i32) (local $aRow3 i32)
    (if (local.get $bias)
      (then
        (local.set $c00 (v128.load (local.get $bias)))
        (local.set $c01 (v128.load offset=16 (local.get $bias)))
        (local.set $c10 (local.get $c00)) (local.set $c11 (local.get $c01))
        (local.set $c20 (local.get $c00)) (local.set $c21 (local.get $c01))
        (local.set $c30 (local.get $c00)) (local.set $c31 (local.get $c01))))
    (local.set $aRow2 (i32.shl (local.get $aRow) (i32.const 1)))
    (local.set $aRow3 (i32.add (local.get $aRow2) (local.get $aRow)))
    (if (local.get $k)
      (then
        (loop $steps
          (local.set $b0 (v128.load (local.get $b)))
          (local.set $b1 (v128.load offset=16 (local.get $b)))
          (local.set $x (v128.load32_splat (local.get $a)))
          (local.set $c00 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c00)))
          (local.set $c01 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c01)))
          (local.set $x (v128.load32_splat (i32.add (local.get $a) (local.get $aRow))))
          (local.set $c10 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c10)))
          (local.set $c11 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c11)))
          (local.set $x (v128.load32_splat (i32.add (local.get $a) (local.get $aRow2))))
          (local.set $c20 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c20)))
          (local.set $c21 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c21)))
          (local.set $x (v128.load32_splat (i32.add (local.get $a) (local.get $aRow3))))
          (local.set $c30 (f32x4.relaxed_madd (local.get $x) (local.get $b0) (local.get $c30)))
          (local.set $c31 (f32x4.relaxed_madd (local.get $x) (local.get $b1) (local.get $c31)))
          (local.set $a (i32.add (local.get $a) (local.get $aStep)))
          (local.set $b (i32.add (local.get $b) (local.get $ldb)))
          (br_if $steps (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))))
    (if (local.get $relu)
      (then
        ;; pmax(x, 0) is x < 0 ? 0 : x: one instruction, and a NaN stays NaN (the learners check their losses).
        (local.set $x (v128.const i32x4 0 0 0 0))
        (local.set $c00 (f32x4.pmax (local.get $c00) (local.get $x)))
        (local.set $c01 (f32x4.pmax (local.get $c01) (local.get $x)))
        (local.set $c10 (f32x4.pmax (local.get $c10) (local.get $x)))
        (local.set $c11 (f32x4.pmax (local.get $c11) (local.get $x)))
        (local.set $c20 (f32x4.pmax (local.get $c20) (local.get $x)))
        (local.set $c21 (f32x4.pmax (local.get $c21) (local.get $x)))
        (local.set $c30 (f32x4.pmax (local.get $c30) (local.get $x)))
        (local.set $c31 (f32x4.pmax (local.get $c31) (local.get $x)))))
    (if (local.get $mask)
      (then
        ;; Lanes where M > 0 keep every bit (a NaN stays NaN); the others become +0, as dy * [y > 0] in JavaScript.
        (local.set $x (v128.const i32x4 0 0 0 0))
        (local.set $c00 (v128.and (local.get $c00) (f32x4.gt (v128.load (local.get $mask)) (local.get $x))))
        (local.set $c01 (v128.and (local.get $c01) (f32x4.gt (v128.load offset=16 (local.get $mask)) (local.get $x))))
        (local.set $mask (i32.add (local.get $mask) (local.get $ldc)))
        (local.set $c10 (v128.and (local.get $c10) (f32x4.gt (v128.load (local.get $mask)) (local.get $x))))
        (local.set $c11 (v128.and (local.get $c11) (f32x4.gt (v128.load offset=16 (local.get $mask)) (local.get $x))))
        (local.set $mask (i32.add (local.get $mask) (local.get $ldc)))
        (local.set $c20 (v128.and (local.get $c20) (f32x4.gt (v128.load (local.get $mask)) (local.get $x))))
        (local.set $c21 (v128.and (local.get $c21) (f32x4.gt (v128.load offset=16 (local.get $mask)) (local.get $x))))
        (local.set $mask (i32.add (local.get $mask) (local.get $ldc)))
        (local.set $c30 (v128.and (local.get $c30) (f32x4.gt (v128.load (local.get $mask)) (local.get $x))))
        (local.set $c31 (v128.and (local.get $c31) (f32x4.gt (v128.load offset=16 (local.get $mask)) (local.get $x))))))
    (v128.store (local.get $c) (local.get $c00))
    (v128.store offset=16 (local.get $c) (local.get $c01))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c10))
    (v128.store offset=16 (local.get $c) (local.get $c11))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c20))
    (v128.store offset=16 (local.get $c) (local.get $c21))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (local.get $c30))
    (v128.store offset=16 (local.get $c) (local.get $c31)))

  ;; Four consecutive values of one row of C (the columns beyond the 8-column blocks, rows below the 4-row ones).
  ;; Four partial sums over t mod 4, so that four multiply-adds are in flight rather than one waiting on the last.
  (func $row1x4
    (param $a i32) (param $aStep i32) (param $b i32) (param $ldb i32) (param $c i32) (param $bias i32) (param $k i32)
    (param $relu i32) (param $mask i32)
    (local $sum v128) (local $x v128) (local $y v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (block $quadsDone
      (loop $quads
        (br_if $quadsDone (i32.lt_u (local.get $k) (i32.const 4)))
        (local.set $x (v128.load32_splat (local.get $a)))
        (local.set $y (v128.load (local.get $b)))
        (local.set $sum (f32x4.relaxed_madd (local.get $x) (local.get $y) (local.get $sum)))
        (local.set $a (i32.add (local.get $a) (local.get $aStep)))
        (local.set $b (i32.add (local.get $b) (local.get $ldb)))
        (local.set $x (v128.load32_splat (local.get $a)))
        (local.set $y (v128.load (local.get $b)))
        (local.set $s1 (f32x4.relaxed_madd (local.get $x) (local.get $y) (local.get $s1)))
        (local.set $a (i32.add (local.get $a) (local.get $aStep)))
        (local.set $b (i32.add (local.get $b) (local.get $ldb)))
        (local.set $x (v128.load32_splat (local.get $a)))
        (local.set $y (v128.load (local.get $b)))
        (local.set $s2 (f32x4.relaxed_madd (local.get $x) (local.get $y) (local.get $s2)))
        (local.set $a (i32.add (local.get $a) (local.get $aStep)))
        (local.set $b (i32.add (local.get $b) (local.get $ldb)))
        (local.set $x (v128.load32_splat (local.get $a)))
        (local.set $y (v128.load (local.get $b)))
        (local.set $s3 (f32x4.relaxed_madd (local.get $x) (local.get $y) (local.get $s3)))
        (local.set $a (i32.add (local.get $a) (local.get $aStep)))
        (local.set $b (i32.add (local.get $b) (local.get $ldb)))
        (local.set $k (i32.sub (local.get $k) (i32.const 4)))
        (br $quads)))
    (block $stepsDone
      (loop $steps
        (br_if $stepsDone (i32.eqz (local.get $k)))
        (local.set $x (v128.load32_splat (local.get $a)))
        (local.set $y (v128.load (local.get $b)))
        (local.set $sum (f32x4.relaxed_madd (local.get $x) (local.get $y) (local.get $sum)))
        (local.set $a (i32.add (local.get $a) (local.get $aStep)))
        (local.set $b (i32.add (local.get $b) (local.get $ldb)))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br $steps)))
    (local.set $sum (f32x4.add (f32x4.add (local.get $sum) (local.get $s1)) (f32x4.add (local.get $s2) (local.get $s3))))
    (if (local.get $bias) (then (local.set $sum (f32x4.add (v128.load (local.get $bias)) (local.get $sum)))))
    (if (local.get $relu) (then (local.set $sum (f32x4.pmax (local.get $sum) (v128.const i32x4 0 0 0 0)))))
    (if (local.get $mask)
      (then (local.set $sum (v128.and (local.get $sum) (f32x4.gt (v128.load (local.get $mask)) (v128.const i32x4 0 0 0 0))))))
    (v128.store (local.get $c) (local.get $sum)))

  ;; One value of C. Its k products are summed in independent partial sums (a single chain of dependent adds
  ;; waits on every add's latency): 8 at a time in two vectors where A's row and B's column are both contiguous
  ;; (a critic's one output, n = 1), else 4 scalar sums.
  (func $row1x1
    (param $a i32) (param $aStep i32) (param $b i32) (param $ldb i32) (param $c i32) (param $bias i32) (param $k i32)
    (param $relu i32) (param $mask i32)
    (local $sum f32) (local $s1 f32) (local $s2 f32) (local $s3 f32) (local $x v128) (local $y v128)
    (local $v0 v128) (local $v1 v128) (local $a0 v128) (local $a1 v128)
    (if (i32.and (i32.eq (local.get $aStep) (i32.const 4)) (i32.eq (local.get $ldb) (i32.const 4)))
      (then
        (block $vectorsDone
          (loop $vectors
            (br_if $vectorsDone (i32.lt_u (local.get $k) (i32.const 8)))
            (local.set $a0 (v128.load (local.get $a)))
            (local.set $a1 (v128.load offset=16 (local.get $a)))
            (local.set $x (v128.load (local.get $b)))
            (local.set $y (v128.load offset=16 (local.get $b)))
            (local.set $v0 (f32x4.relaxed_madd (local.get $a0) (local.get $x) (local.get $v0)))
            (local.set $v1 (f32x4.relaxed_madd (local.get $a1) (local.get $y) (local.get $v1)))
            (local.set $a (i32.add (local.get $a) (i32.const 32)))
            (local.set $b (i32.add (local.get $b) (i32.const 32)))
            (local.set $k (i32.sub (local.get $k) (i32.const 8)))
            (br $vectors)))
        (local.set $v0 (f32x4.add (local.get $v0) (local.get $v1)))
        (local.set $sum (f32x4.extract_lane 0 (local.get $v0)))
        (local.set $s1 (f32x4.extract_lane 1 (local.get $v0)))
        (local.set $s2 (f32x4.extract_lane 2 (local.get $v0)))
        (local.set $s3 (f32x4.extract_lane 3 (local.get $v0))))
      (else
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.lt_u (local.get $k) (i32.const 4)))
            (local.set $sum (f32.add (local.get $sum) (f32.mul (f32.load (local.get $a)) (f32.load (local.get $b)))))
            (local.set $a (i32.add (local.get $a) (local.get $aStep)))
            (local.set $b (i32.add (local.get $b) (local.get $ldb)))
            (local.set $s1 (f32.add (local.get $s1) (f32.mul (f32.load (local.get $a)) (f32.load (local.get $b)))))
            (local.set $a (i32.add (local.get $a) (local.get $aStep)))
            (local.set $b (i32.add (local.get $b) (local.get $ldb)))
            (local.set $s2 (f32.add (local.get $s2) (f32.mul (f32.load (local.get $a)) (f32.load (local.get $b)))))
            (local.set $a (i32.add (local.get $a) (local.get $aStep)))
            (local.set $b (i32.add (local.get $b) (local.get $ldb)))
            (local.set $s3 (f32.add (local.get $s3) (f32.mul (f32.load (local.get $a)) (f32.load (local.get $b)))))
            (local.set $a (i32.add (local.get $a) (local.get $aStep)))
            (local.set $b (i32.add (local.get $b) (local.get $ldb)))
            (local.set $k (i32.sub (local.get $k) (i32.const 4)))
            (br $quads)))))
    ;; The last products, then the partial sums and the bias.
    (block $stepsDone
      (loop $steps
        (br_if $stepsDone (i32.eqz (local.get $k)))
        (local.set $sum (f32.add (local.get $sum) (f32.mul (f32.load (local.get $a)) (f32.load (local.get $b)))))
        (local.set $a (i32.add (local.get $a) (local.get $aStep)))
        (local.set $b (i32.add (local.get $b) (local.get $ldb)))
        (local.set $k (i32.sub (local.get $k) (i32.const 1)))
        (br $steps)))
    (local.set $sum (f32.add (f32.add (local.get $sum) (local.get $s1)) (f32.add (local.get $s2) (local.get $s3))))
    (if (local.get $bias) (then (local.set $sum (f32.add (f32.load (local.get $bias)) (local.get $sum)))))
    ;; Written as x < 0 ? 0 : x (not f32.max), so that a NaN stays NaN, as in the blocks.
    (if (local.get $relu)
      (then (local.set $sum (select (f32.const 0) (local.get $sum) (f32.lt (local.get $sum) (f32.const 0))))))
    (if (local.get $mask)
      (then (local.set $sum (select (local.get $sum) (f32.const 0) (f32.gt (f32.load (local.get $mask)) (f32.const 0))))))
    (f32.store (local.get $c) (local.get $sum)))


  ;; Adam over `count` floats of params, gradient and both moments, two at a time in double precision, the
  ;; arithmetic of flat-adam.ts in the same order (so both give the same float32s, bit for bit):
  ;;   m = beta1 m + (1 - beta1) g;  v = beta2 v + ((1 - beta2) g) g  (each rounded to float32 when stored)
  ;;   p = p - (stepSize m) / (sqrt(v) + epsilonHat)
  ;; `count` is rounded up to even: heap-gemm.ts pads every block to 16 bytes with zeros, which Adam keeps zero.
  ;; Returns the sum of (p - p) + (v - v) over all values: 0, or NaN when a parameter or moment is not finite.
  (func (export "adam")
    (param $p i32) (param $g i32) (param $m i32) (param $v i32) (param $count i32)
    (param $beta1 f64) (param $beta2 f64) (param $stepSize f64) (param $epsilonHat f64) (result f32)
    (local $b1 v128) (local $c1 v128) (local $b2 v128) (local $c2 v128) (local $step v128) (local $eps v128)
    (local $gv v128) (local $mv v128) (local $vv v128) (local $pv v128) (local $check v128)
    (local.set $b1 (f64x2.splat (local.get $beta1)))
    (local.set $c1 (f64x2.splat (f64.sub (f64.const 1) (local.get $beta1))))
    (local.set $b2 (f64x2.splat (local.get $beta2)))
    (local.set $c2 (f64x2.splat (f64.sub (f64.const 1) (local.get $beta2))))
    (local.set $step (f64x2.splat (local.get $stepSize)))
    (local.set $eps (f64x2.splat (local.get $epsilonHat)))
    (local.set $count (i32.shr_u (i32.add (local.get $count) (i32.const 1)) (i32.const 1)))
    (block $done
      (loop $pairs
        (br_if $done (i32.eqz (local.get $count)))
        (local.set $gv (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $g))))
        (local.set $mv (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (local.get $b1) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $m))))
          (f64x2.mul (local.get $c1) (local.get $gv)))))
        (local.set $vv (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (local.get $b2) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $v))))
          (f64x2.mul (f64x2.mul (local.get $c2) (local.get $gv)) (local.get $gv)))))
        (local.set $pv (f32x4.demote_f64x2_zero (f64x2.sub
          (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $p)))
          (f64x2.div
            (f64x2.mul (local.get $step) (f64x2.promote_low_f32x4 (local.get $mv)))
            (f64x2.add (f64x2.sqrt (f64x2.promote_low_f32x4 (local.get $vv))) (local.get $eps))))))
        (v128.store64_lane 0 (local.get $m) (local.get $mv))
        (v128.store64_lane 0 (local.get $v) (local.get $vv))
        (v128.store64_lane 0 (local.get $p) (local.get $pv))
        (local.set $check (f32x4.add (local.get $check)
          (f32x4.add (f32x4.sub (local.get $pv) (local.get $pv)) (f32x4.sub (local.get $vv) (local.get $vv)))))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (local.set $g (i32.add (local.get $g) (i32.const 8)))
        (local.set $m (i32.add (local.get $m) (i32.const 8)))
        (local.set $v (i32.add (local.get $v) (i32.const 8)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $pairs)))
    (f32.add (f32x4.extract_lane 0 (local.get $check)) (f32x4.extract_lane 1 (local.get $check))))

  ;; Polyak averaging, target = tau source + (1 - tau) target, two floats at a time in double precision as
  ;; polyak.ts wrote it; `count` rounded up to even as in adam.
  (func (export "polyak") (param $target i32) (param $source i32) (param $count i32) (param $tau f64)
    (local $take v128) (local $keep v128)
    (local.set $take (f64x2.splat (local.get $tau)))
    (local.set $keep (f64x2.splat (f64.sub (f64.const 1) (local.get $tau))))
    (local.set $count (i32.shr_u (i32.add (local.get $count) (i32.const 1)) (i32.const 1)))
    (block $done
      (loop $pairs
        (br_if $done (i32.eqz (local.get $count)))
        (v128.store64_lane 0 (local.get $target) (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.mul (local.get $take) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $source))))
          (f64x2.mul (local.get $keep) (f64x2.promote_low_f32x4 (v128.load64_zero (local.get $target)))))))
        (local.set $target (i32.add (local.get $target) (i32.const 8)))
        (local.set $source (i32.add (local.get $source) (i32.const 8)))
        (local.set $count (i32.sub (local.get $count) (i32.const 1)))
        (br $pairs))))

  ;; out (columns x rows) = the transpose of a (rows x columns), both row-major: the kernels' K^T after each
  ;; step. In tiles of 16 x 16, so that reads and writes both stay within a few cache lines.
  (func (export "transpose") (param $a i32) (param $rows i32) (param $columns i32) (param $out i32)
    (local $r0 i32) (local $c0 i32) (local $r i32) (local $c i32) (local $rEnd i32) (local $cEnd i32)
    (block $rowTilesDone
      (loop $rowTiles
        (br_if $rowTilesDone (i32.ge_u (local.get $r0) (local.get $rows)))
        (local.set $rEnd (select (local.get $rows) (i32.add (local.get $r0) (i32.const 16))
          (i32.lt_u (local.get $rows) (i32.add (local.get $r0) (i32.const 16)))))
        (local.set $c0 (i32.const 0))
        (block $columnTilesDone
          (loop $columnTiles
            (br_if $columnTilesDone (i32.ge_u (local.get $c0) (local.get $columns)))
            (local.set $cEnd (select (local.get $columns) (i32.add (local.get $c0) (i32.const 16))
              (i32.lt_u (local.get $columns) (i32.add (local.get $c0) (i32.const 16)))))
            (local.set $r (local.get $r0))
            (block $tileRowsDone
              (loop $tileRows
                (br_if $tileRowsDone (i32.ge_u (local.get $r) (local.get $rEnd)))
                (local.set $c (local.get $c0))
                (block $tileColumnsDone
                  (loop $tileColumns
                    (br_if $tileColumnsDone (i32.ge_u (local.get $c) (local.get $cEnd)))
                    (f32.store
                      (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $c) (local.get $rows)) (local.get $r)) (i32.const 2)))
                      (f32.load (i32.add (local.get $a) (i32.shl (i32.add (i32.mul (local.get $r) (local.get $columns)) (local.get $c)) (i32.const 2)))))
                    (local.set $c (i32.add (local.get $c) (i32.const 1)))
                    (br $tileColumns)))
                (local.set $r (i32.add (local.get $r) (i32.const 1)))
                (br $tileRows)))
            (local.set $c0 (i32.add (local.get $c0) (i32.const 16)))
            (br $columnTiles)))
        (local.set $r0 (i32.add (local.get $r0) (i32.const 16)))
        (br $rowTiles)))))
