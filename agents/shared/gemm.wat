;; The off-policy learners' matrix product in wasm SIMD (f32x4), for matrices held in this module's own memory
;; (heap-gemm.ts allocates them). Compiled into gemm-wasm.ts by `node scripts/embed-gemm.mjs`.
;;
;;   C[i, j] = act(bias[j] + sum over t of A(i, t) * B[t, j]),  i < m, j < n, t < k
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
  (memory (export "memory") 1)
  (data (i32.const 16) "\00\00\80\3f")

  (func (export "gemm")
    (param $a i32) (param $aRow i32) (param $aStep i32)
    (param $b i32) (param $ldb i32)
    (param $c i32) (param $ldc i32)
    (param $bias i32) (param $m i32) (param $k i32) (param $n i32) (param $relu i32)
    (local $m4 i32) (local $n8 i32) (local $i i32) (local $j i32) (local $rowA i32) (local $rowC i32)
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
        (local.set $j (i32.const 0))
        (block $columnsDone
          (loop $columns
            (br_if $columnsDone (i32.ge_u (local.get $j) (local.get $n8)))
            (call $block4x8
              (local.get $rowA) (local.get $aRow) (local.get $aStep)
              (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldb)
              (i32.add (local.get $rowC) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldc)
              (select (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))) (i32.const 0) (local.get $bias))
              (local.get $k) (local.get $relu))
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
        (local.set $j (select (local.get $n8) (i32.const 0) (i32.lt_u (local.get $i) (local.get $m4))))
        (block $quadsDone
          (loop $quads
            (br_if $quadsDone (i32.gt_u (i32.add (local.get $j) (i32.const 4)) (local.get $n)))
            (call $row1x4
              (local.get $rowA) (local.get $aStep)
              (i32.add (local.get $b) (i32.shl (local.get $j) (i32.const 2))) (local.get $ldb)
              (i32.add (local.get $rowC) (i32.shl (local.get $j) (i32.const 2)))
              (select (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 2))) (i32.const 0) (local.get $bias))
              (local.get $k) (local.get $relu))
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
              (local.get $k) (local.get $relu))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $singles)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $edgeRows))))

  ;; One 4 x 8 block of C; a points at A(row 0, t = 0), b at B[0, column 0], c at C[row 0, column 0] (byte strides).
  (func $block4x8
    (param $a i32) (param $aRow i32) (param $aStep i32) (param $b i32) (param $ldb i32) (param $c i32) (param $ldc i32)
    (param $bias i32) (param $k i32) (param $relu i32)
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

  ;; Four consecutive values of one row of C.
  (func $row1x4
    (param $a i32) (param $aStep i32) (param $b i32) (param $ldb i32) (param $c i32) (param $bias i32) (param $k i32)
    (param $relu i32)
    (local $sum v128) (local $x v128) (local $y v128)
    (if (local.get $bias) (then (local.set $sum (v128.load (local.get $bias)))))
    (if (local.get $k)
      (then
        (loop $steps
          (local.set $x (v128.load32_splat (local.get $a)))
          (local.set $y (v128.load (local.get $b)))
          (local.set $sum (f32x4.relaxed_madd (local.get $x) (local.get $y) (local.get $sum)))
          (local.set $a (i32.add (local.get $a) (local.get $aStep)))
          (local.set $b (i32.add (local.get $b) (local.get $ldb)))
          (br_if $steps (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))))
    (if (local.get $relu) (then (local.set $sum (f32x4.pmax (local.get $sum) (v128.const i32x4 0 0 0 0)))))
    (v128.store (local.get $c) (local.get $sum)))

  ;; One value of C.
  (func $row1x1
    (param $a i32) (param $aStep i32) (param $b i32) (param $ldb i32) (param $c i32) (param $bias i32) (param $k i32)
    (param $relu i32)
    (local $sum f32)
    (if (local.get $bias) (then (local.set $sum (f32.load (local.get $bias)))))
    (if (local.get $k)
      (then
        (loop $steps
          (local.set $sum (f32.add (local.get $sum) (f32.mul (f32.load (local.get $a)) (f32.load (local.get $b)))))
          (local.set $a (i32.add (local.get $a) (local.get $aStep)))
          (local.set $b (i32.add (local.get $b) (local.get $ldb)))
          (br_if $steps (local.tee $k (i32.sub (local.get $k) (i32.const 1)))))))
    ;; Written as x < 0 ? 0 : x (not f32.max), so that a NaN stays NaN, as in the blocks.
    (if (local.get $relu)
      (then (local.set $sum (select (f32.const 0) (local.get $sum) (f32.lt (local.get $sum) (f32.const 0))))))
    (f32.store (local.get $c) (local.get $sum))))
