;; Element-wise loops of buypath's fused training kernels (src/fused-dense.ts), in WebAssembly SIMD on the
;; tfjs wasm backend's own memory (imported): pointers are byte offsets of float32 arrays on its heap.
;; Each function does the float32 operations of the JavaScript loop it replaces, in the same order.
;; Embedded in src/simd-kernels.ts as base64; rebuild after editing (the command is in that file).
(module
  (import "env" "memory" (memory 1))

  ;; Hidden layer after its product, rows of o values (o a multiple of 4): z = h + bias; gate g = mask where
  ;; z > 0, else +0 (mask: the dropout mask, or 1.0 everywhere when use_mask is 0); h = z·g + 0 (never −0).
  (func (export "hidden") (param $h i32) (param $bias i32) (param $mask i32) (param $g i32) (param $rows i32) (param $o i32) (param $use_mask i32)
    (local $r i32) (local $j i32) (local $z v128) (local $gk v128) (local $one v128) (local $zero v128) (local $rowbytes i32) (local $k i32)
    (local.set $one (f32x4.splat (f32.const 1)))
    (local.set $zero (f32x4.splat (f32.const 0)))
    (local.set $rowbytes (i32.shl (local.get $o) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $done
      (loop $rows_loop
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $j (i32.const 0))
        (block $row_done
          (loop $cols
            (br_if $row_done (i32.ge_u (local.get $j) (local.get $rowbytes)))
            (local.set $k (i32.add (i32.mul (local.get $r) (local.get $rowbytes)) (local.get $j)))
            (local.set $z (f32x4.add (v128.load (i32.add (local.get $h) (local.get $k))) (v128.load (i32.add (local.get $bias) (local.get $j)))))
            (local.set $gk (v128.and (f32x4.gt (local.get $z) (local.get $zero))
              (if (result v128) (local.get $use_mask)
                (then (v128.load (i32.add (local.get $mask) (local.get $k))))
                (else (local.get $one)))))
            (v128.store (i32.add (local.get $g) (local.get $k)) (local.get $gk))
            (v128.store (i32.add (local.get $h) (local.get $k)) (f32x4.add (f32x4.mul (local.get $z) (local.get $gk)) (local.get $zero)))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $cols)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows_loop))))

  ;; db[j] = sum over rows of dz[r, j], rows in order (o a multiple of 4).
  (func (export "colsum") (param $dz i32) (param $db i32) (param $rows i32) (param $o i32)
    (local $r i32) (local $j i32) (local $rowbytes i32) (local $p i32)
    (local.set $rowbytes (i32.shl (local.get $o) (i32.const 2)))
    (local.set $j (i32.const 0))
    (block $z_done
      (loop $zero_loop
        (br_if $z_done (i32.ge_u (local.get $j) (local.get $rowbytes)))
        (v128.store (i32.add (local.get $db) (local.get $j)) (f32x4.splat (f32.const 0)))
        (local.set $j (i32.add (local.get $j) (i32.const 16)))
        (br $zero_loop)))
    (local.set $r (i32.const 0))
    (block $done
      (loop $rows_loop
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $p (i32.add (local.get $dz) (i32.mul (local.get $r) (local.get $rowbytes))))
        (local.set $j (i32.const 0))
        (block $row_done
          (loop $cols
            (br_if $row_done (i32.ge_u (local.get $j) (local.get $rowbytes)))
            (v128.store (i32.add (local.get $db) (local.get $j))
              (f32x4.add (v128.load (i32.add (local.get $db) (local.get $j))) (v128.load (i32.add (local.get $p) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $cols)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rows_loop))))

  ;; a[i] = a[i] · b[i] for n values.
  (func (export "mul") (param $a i32) (param $b i32) (param $n i32)
    (local $i i32) (local $end i32) (local $vend i32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vend (i32.and (local.get $end) (i32.const -16)))
    (block $v_done
      (loop $v
        (br_if $v_done (i32.ge_u (local.get $i) (local.get $vend)))
        (v128.store (i32.add (local.get $a) (local.get $i)) (f32x4.mul (v128.load (i32.add (local.get $a) (local.get $i))) (v128.load (i32.add (local.get $b) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $v)))
    (block $s_done
      (loop $s
        (br_if $s_done (i32.ge_u (local.get $i) (local.get $end)))
        (f32.store (i32.add (local.get $a) (local.get $i)) (f32.mul (f32.load (i32.add (local.get $a) (local.get $i))) (f32.load (i32.add (local.get $b) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $s))))

  ;; a[i] = a[i] + b[i] for n values.
  (func (export "add") (param $a i32) (param $b i32) (param $n i32)
    (local $i i32) (local $end i32) (local $vend i32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vend (i32.and (local.get $end) (i32.const -16)))
    (block $v_done
      (loop $v
        (br_if $v_done (i32.ge_u (local.get $i) (local.get $vend)))
        (v128.store (i32.add (local.get $a) (local.get $i)) (f32x4.add (v128.load (i32.add (local.get $a) (local.get $i))) (v128.load (i32.add (local.get $b) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $v)))
    (block $s_done
      (loop $s
        (br_if $s_done (i32.ge_u (local.get $i) (local.get $end)))
        (f32.store (i32.add (local.get $a) (local.get $i)) (f32.add (f32.load (i32.add (local.get $a) (local.get $i))) (f32.load (i32.add (local.get $b) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $s))))

  ;; Dropout mask: n draws of sfc32 from state (a, b, c, d); out[i] = scale if the draw (unsigned) < cut, else 0.
  (func (export "mask") (param $out i32) (param $n i32) (param $a i32) (param $b i32) (param $c i32) (param $d i32) (param $cut i32) (param $scale f32)
    (local $i i32) (local $t i32) (local $end i32)
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $t (i32.add (i32.add (local.get $a) (local.get $b)) (local.get $d)))
        (local.set $d (i32.add (local.get $d) (i32.const 1)))
        (local.set $a (i32.xor (local.get $b) (i32.shr_u (local.get $b) (i32.const 9))))
        (local.set $b (i32.add (local.get $c) (i32.shl (local.get $c) (i32.const 3))))
        (local.set $c (i32.add (i32.rotl (local.get $c) (i32.const 21)) (local.get $t)))
        (f32.store (i32.add (local.get $out) (local.get $i))
          (select (local.get $scale) (f32.const 0) (i32.lt_u (local.get $t) (local.get $cut))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $l))))
;; One Adam step (src/train/fused-adam.ts's adamStep, same float32 operations in the same order) over n values:
;; m' = m·b1 + g·c1; v' = v·b2 + (g·g)·c2; x' = ((m'/o1) / (sqrt(v'/o2) + eps))·nlr + x, written to xo, mo, vo.
  (func (export "adam") (param $x i32) (param $g i32) (param $m i32) (param $v i32) (param $xo i32) (param $mo i32) (param $vo i32) (param $n i32)
    (param $b1 f32) (param $b2 f32) (param $c1 f32) (param $c2 f32) (param $o1 f32) (param $o2 f32) (param $eps f32) (param $nlr f32)
    (local $i i32) (local $end i32) (local $vend i32) (local $gv v128) (local $mv v128) (local $vv v128)
    (local $B1 v128) (local $B2 v128) (local $C1 v128) (local $C2 v128) (local $O1 v128) (local $O2 v128) (local $E v128) (local $N v128)
    (local $gs f32) (local $ms f32) (local $vs f32)
    (local.set $B1 (f32x4.splat (local.get $b1))) (local.set $B2 (f32x4.splat (local.get $b2)))
    (local.set $C1 (f32x4.splat (local.get $c1))) (local.set $C2 (f32x4.splat (local.get $c2)))
    (local.set $O1 (f32x4.splat (local.get $o1))) (local.set $O2 (f32x4.splat (local.get $o2)))
    (local.set $E (f32x4.splat (local.get $eps))) (local.set $N (f32x4.splat (local.get $nlr)))
    (local.set $end (i32.shl (local.get $n) (i32.const 2)))
    (local.set $vend (i32.and (local.get $end) (i32.const -16)))
    (block $v_done
      (loop $vl
        (br_if $v_done (i32.ge_u (local.get $i) (local.get $vend)))
        (local.set $gv (v128.load (i32.add (local.get $g) (local.get $i))))
        (local.set $mv (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $m) (local.get $i))) (local.get $B1)) (f32x4.mul (local.get $gv) (local.get $C1))))
        (local.set $vv (f32x4.add (f32x4.mul (v128.load (i32.add (local.get $v) (local.get $i))) (local.get $B2)) (f32x4.mul (f32x4.mul (local.get $gv) (local.get $gv)) (local.get $C2))))
        (v128.store (i32.add (local.get $mo) (local.get $i)) (local.get $mv))
        (v128.store (i32.add (local.get $vo) (local.get $i)) (local.get $vv))
        (v128.store (i32.add (local.get $xo) (local.get $i))
          (f32x4.add
            (f32x4.mul (f32x4.div (f32x4.div (local.get $mv) (local.get $O1)) (f32x4.add (f32x4.sqrt (f32x4.div (local.get $vv) (local.get $O2))) (local.get $E))) (local.get $N))
            (v128.load (i32.add (local.get $x) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br $vl)))
    (block $s_done
      (loop $sl
        (br_if $s_done (i32.ge_u (local.get $i) (local.get $end)))
        (local.set $gs (f32.load (i32.add (local.get $g) (local.get $i))))
        (local.set $ms (f32.add (f32.mul (f32.load (i32.add (local.get $m) (local.get $i))) (local.get $b1)) (f32.mul (local.get $gs) (local.get $c1))))
        (local.set $vs (f32.add (f32.mul (f32.load (i32.add (local.get $v) (local.get $i))) (local.get $b2)) (f32.mul (f32.mul (local.get $gs) (local.get $gs)) (local.get $c2))))
        (f32.store (i32.add (local.get $mo) (local.get $i)) (local.get $ms))
        (f32.store (i32.add (local.get $vo) (local.get $i)) (local.get $vs))
        (f32.store (i32.add (local.get $xo) (local.get $i))
          (f32.add
            (f32.mul (f32.div (f32.div (local.get $ms) (local.get $o1)) (f32.add (f32.sqrt (f32.div (local.get $vs) (local.get $o2))) (local.get $eps))) (local.get $nlr))
            (f32.load (i32.add (local.get $x) (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $sl))))
)
