;; Matrix product C = op(A)·op(B) for buypath's wasm backend without BLAS (src/fma-gemm.ts), on the tfjs wasm
;; backend's own memory (imported): arguments are byte offsets of float32 arrays on its heap, op() transposes
;; when its flag is 1, C is m×n row-major. Operands are first packed (op(A) in panels of 4 rows, op(B) in panels
;; of 8 columns, zero-padded, each panel k steps long), then a 4×8 block of C at a time is accumulated in eight
;; registers with fused multiply-adds (relaxed SIMD: f32x4.relaxed_madd), one pass over k, so each value of C is
;; the sum over k in order of a·b products, each rounded once with the running sum. Relaxed SIMD is part of
;; WebAssembly 3.0 (on by default from Node 22; fma-gemm.ts turns on V8's flag for it on Node 20).
;; Embedded in src/fma-gemm.ts as base64; rebuild after editing (the command is in that file).
(module
  (import "env" "memory" (memory 1))

  ;; Pack op(A) (m×k; A is k×m when $ta is 1) into panels of 4 rows: w[p][kk][r] = op(A)[4p + r][kk], 0 past row m.
  (func (export "pack_a") (param $a i32) (param $w i32) (param $m i32) (param $k i32) (param $ta i32)
    (local $p i32) (local $panels i32) (local $kk i32) (local $r i32) (local $row i32) (local $out i32)
    (local.set $panels (i32.shr_u (i32.add (local.get $m) (i32.const 3)) (i32.const 2)))
    (local.set $out (local.get $w))
    (block $done (loop $panel
      (br_if $done (i32.ge_u (local.get $p) (local.get $panels)))
      (local.set $kk (i32.const 0))
      (block $kdone (loop $step
        (br_if $kdone (i32.ge_u (local.get $kk) (local.get $k)))
        (local.set $r (i32.const 0))
        (block $rdone (loop $rows
          (br_if $rdone (i32.ge_u (local.get $r) (i32.const 4)))
          (local.set $row (i32.add (i32.shl (local.get $p) (i32.const 2)) (local.get $r)))
          (f32.store (local.get $out)
            (if (result f32) (i32.lt_u (local.get $row) (local.get $m))
              (then (f32.load (i32.add (local.get $a) (i32.shl
                (if (result i32) (local.get $ta)
                  (then (i32.add (i32.mul (local.get $kk) (local.get $m)) (local.get $row)))
                  (else (i32.add (i32.mul (local.get $row) (local.get $k)) (local.get $kk))))
                (i32.const 2)))))
              (else (f32.const 0))))
          (local.set $out (i32.add (local.get $out) (i32.const 4)))
          (local.set $r (i32.add (local.get $r) (i32.const 1)))
          (br $rows)))
        (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
        (br $step)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $panel))))

  ;; Pack op(B) (k×n; B is n×k when $tb is 1) into panels of 8 columns: w[p][kk][j] = op(B)[kk][8p + j], 0 past column n.
  (func (export "pack_b") (param $b i32) (param $w i32) (param $n i32) (param $k i32) (param $tb i32)
    (local $p i32) (local $panels i32) (local $kk i32) (local $j i32) (local $col i32) (local $out i32)
    (local.set $panels (i32.shr_u (i32.add (local.get $n) (i32.const 7)) (i32.const 3)))
    (local.set $out (local.get $w))
    (block $done (loop $panel
      (br_if $done (i32.ge_u (local.get $p) (local.get $panels)))
      (local.set $kk (i32.const 0))
      (block $kdone (loop $step
        (br_if $kdone (i32.ge_u (local.get $kk) (local.get $k)))
        (if (i32.and (i32.eqz (local.get $tb)) (i32.le_u (i32.shl (i32.add (local.get $p) (i32.const 1)) (i32.const 3)) (local.get $n)))
          (then
            ;; a whole row segment of B: two vector copies
            (local.set $col (i32.add (local.get $b) (i32.shl (i32.add (i32.mul (local.get $kk) (local.get $n)) (i32.shl (local.get $p) (i32.const 3))) (i32.const 2))))
            (v128.store (local.get $out) (v128.load (local.get $col)))
            (v128.store offset=16 (local.get $out) (v128.load offset=16 (local.get $col)))
            (local.set $out (i32.add (local.get $out) (i32.const 32))))
          (else
            (local.set $j (i32.const 0))
            (block $jdone (loop $cols
              (br_if $jdone (i32.ge_u (local.get $j) (i32.const 8)))
              (local.set $col (i32.add (i32.shl (local.get $p) (i32.const 3)) (local.get $j)))
              (f32.store (local.get $out)
                (if (result f32) (i32.lt_u (local.get $col) (local.get $n))
                  (then (f32.load (i32.add (local.get $b) (i32.shl
                    (if (result i32) (local.get $tb)
                      (then (i32.add (i32.mul (local.get $col) (local.get $k)) (local.get $kk)))
                      (else (i32.add (i32.mul (local.get $kk) (local.get $n)) (local.get $col))))
                    (i32.const 2)))))
                  (else (f32.const 0))))
              (local.set $out (i32.add (local.get $out) (i32.const 4)))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br $cols)))))
        (local.set $kk (i32.add (local.get $kk) (i32.const 1)))
        (br $step)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $panel))))

  ;; C (m×n) from packed panels $wa (pack_a) and $wb (pack_b), k steps; $t: 128 bytes of scratch for the blocks that
  ;; overhang C's last rows or columns.
  (func (export "gemm") (param $wa i32) (param $wb i32) (param $c i32) (param $m i32) (param $n i32) (param $k i32) (param $t i32)
    (local $ip i32) (local $jp i32) (local $mp i32) (local $np i32) (local $pa i32) (local $pb i32) (local $kk i32)
    (local $a v128) (local $b0 v128) (local $b1 v128) (local $zero v128)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128) (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $rowbytes i32) (local $cp i32) (local $cr i32) (local $r i32) (local $j i32) (local $row i32) (local $col i32)
    (local.set $mp (i32.shr_u (i32.add (local.get $m) (i32.const 3)) (i32.const 2)))
    (local.set $np (i32.shr_u (i32.add (local.get $n) (i32.const 7)) (i32.const 3)))
    (local.set $rowbytes (i32.shl (local.get $n) (i32.const 2)))
    (local.set $zero (v128.const i32x4 0 0 0 0))
    (block $done (loop $panels_a
      (br_if $done (i32.ge_u (local.get $ip) (local.get $mp)))
      (local.set $jp (i32.const 0))
      (block $jdone (loop $panels_b
        (br_if $jdone (i32.ge_u (local.get $jp) (local.get $np)))
        (local.set $c00 (local.get $zero))
          (local.set $c01 (local.get $zero))
          (local.set $c10 (local.get $zero))
          (local.set $c11 (local.get $zero))
          (local.set $c20 (local.get $zero))
          (local.set $c21 (local.get $zero))
          (local.set $c30 (local.get $zero))
          (local.set $c31 (local.get $zero))
        (local.set $pa (i32.add (local.get $wa) (i32.mul (local.get $ip) (i32.shl (local.get $k) (i32.const 4)))))
        (local.set $pb (i32.add (local.get $wb) (i32.mul (local.get $jp) (i32.shl (local.get $k) (i32.const 5)))))
        (local.set $kk (local.get $k))
        (block $kdone (loop $steps
          (br_if $kdone (i32.eqz (local.get $kk)))
              (local.set $b0 (v128.load (local.get $pb)))
              (local.set $b1 (v128.load offset=16 (local.get $pb)))
              (local.set $a (v128.load32_splat offset=0 (local.get $pa)))
              (local.set $c00 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c00)))
              (local.set $c01 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c01)))
              (local.set $a (v128.load32_splat offset=4 (local.get $pa)))
              (local.set $c10 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c10)))
              (local.set $c11 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c11)))
              (local.set $a (v128.load32_splat offset=8 (local.get $pa)))
              (local.set $c20 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c20)))
              (local.set $c21 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c21)))
              (local.set $a (v128.load32_splat offset=12 (local.get $pa)))
              (local.set $c30 (f32x4.relaxed_madd (local.get $a) (local.get $b0) (local.get $c30)))
              (local.set $c31 (f32x4.relaxed_madd (local.get $a) (local.get $b1) (local.get $c31)))
          (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
          (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
          (local.set $kk (i32.sub (local.get $kk) (i32.const 1)))
          (br $steps)))
        (local.set $cp (i32.add (local.get $c) (i32.add (i32.mul (i32.shl (local.get $ip) (i32.const 2)) (local.get $rowbytes)) (i32.shl (local.get $jp) (i32.const 5)))))
        (if (i32.and (i32.le_u (i32.shl (i32.add (local.get $ip) (i32.const 1)) (i32.const 2)) (local.get $m))
                     (i32.le_u (i32.shl (i32.add (local.get $jp) (i32.const 1)) (i32.const 3)) (local.get $n)))
          (then
              (local.set $cr (i32.add (local.get $cp) (i32.mul (i32.const 0) (local.get $rowbytes))))
              (v128.store offset=0 (local.get $cr) (local.get $c00))
              (v128.store offset=16 (local.get $cr) (local.get $c01))
              (local.set $cr (i32.add (local.get $cp) (i32.mul (i32.const 1) (local.get $rowbytes))))
              (v128.store offset=0 (local.get $cr) (local.get $c10))
              (v128.store offset=16 (local.get $cr) (local.get $c11))
              (local.set $cr (i32.add (local.get $cp) (i32.mul (i32.const 2) (local.get $rowbytes))))
              (v128.store offset=0 (local.get $cr) (local.get $c20))
              (v128.store offset=16 (local.get $cr) (local.get $c21))
              (local.set $cr (i32.add (local.get $cp) (i32.mul (i32.const 3) (local.get $rowbytes))))
              (v128.store offset=0 (local.get $cr) (local.get $c30))
              (v128.store offset=16 (local.get $cr) (local.get $c31)))
          (else
              (v128.store offset=0 (local.get $t) (local.get $c00))
              (v128.store offset=16 (local.get $t) (local.get $c01))
              (v128.store offset=32 (local.get $t) (local.get $c10))
              (v128.store offset=48 (local.get $t) (local.get $c11))
              (v128.store offset=64 (local.get $t) (local.get $c20))
              (v128.store offset=80 (local.get $t) (local.get $c21))
              (v128.store offset=96 (local.get $t) (local.get $c30))
              (v128.store offset=112 (local.get $t) (local.get $c31))
            ;; copy the block's part inside C
            (local.set $r (i32.const 0))
            (block $rdone (loop $rows
              (local.set $row (i32.add (i32.shl (local.get $ip) (i32.const 2)) (local.get $r)))
              (br_if $rdone (i32.or (i32.ge_u (local.get $r) (i32.const 4)) (i32.ge_u (local.get $row) (local.get $m))))
              (local.set $j (i32.const 0))
              (block $cdone (loop $cols
                (local.set $col (i32.add (i32.shl (local.get $jp) (i32.const 3)) (local.get $j)))
                (br_if $cdone (i32.or (i32.ge_u (local.get $j) (i32.const 8)) (i32.ge_u (local.get $col) (local.get $n))))
                (f32.store (i32.add (local.get $c) (i32.shl (i32.add (i32.mul (local.get $row) (local.get $n)) (local.get $col)) (i32.const 2)))
                  (f32.load (i32.add (local.get $t) (i32.shl (i32.add (i32.shl (local.get $r) (i32.const 3)) (local.get $j)) (i32.const 2)))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $cols)))
              (local.set $r (i32.add (local.get $r) (i32.const 1)))
              (br $rows)))))
        (local.set $jp (i32.add (local.get $jp) (i32.const 1)))
        (br $panels_b)))
      (local.set $ip (i32.add (local.get $ip) (i32.const 1)))
      (br $panels_a)))))
