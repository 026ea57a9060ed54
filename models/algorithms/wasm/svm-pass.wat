;; One pass of liblinear's dual coordinate descent for the L2-regularised (squared) hinge SVM
;; (solve_l2r_l1l2_svc): the same arithmetic, in the same order, as the JavaScript it replaces in
;; linear-svm.ts, so the weights are bit-identical; WebAssembly only saves the bounds checks and
;; the tagging of a JIT on the sparse gather/scatter, the loop every non-zero goes through.
;;
;; Arrays live in the exported memory at byte offsets passed in: index (i32, the active rows first),
;; indptr (i32, n + 1), indices (i32), data (f64), w (f64), per row alpha, y (±1), shift (½/C_i or 0),
;; upper (∞ or C_i), qd (shift + ‖x̃_i‖²) as f64, and a state block of f64: [wb, pgMaxNew, pgMinNew].
;; Returns the new size of the active set (rows shrunk away are swapped behind it).
(module
  (memory (export "memory") 1)
  (func (export "pass")
    (param $active i32) (param $pgMaxOld f64) (param $pgMinOld f64)
    (param $oIndex i32) (param $oIndptr i32) (param $oIndices i32) (param $oData i32) (param $oW i32)
    (param $oAlpha i32) (param $oY i32) (param $oShift i32) (param $oUpper i32) (param $oQd i32)
    (param $oState i32)
    (result i32)
    (local $s i32) (local $i i32) (local $k i32) (local $end i32) (local $rowAt i32) (local $col i32)
    (local $yi f64) (local $margin f64) (local $a f64) (local $ub f64) (local $g f64) (local $pg f64)
    (local $pgMaxNew f64) (local $pgMinNew f64) (local $wb f64) (local $next f64) (local $d f64)
    (local.set $pgMaxNew (f64.const -inf))
    (local.set $pgMinNew (f64.const inf))
    (local.set $wb (f64.load (local.get $oState)))
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $s) (local.get $active)))
        (local.set $i (i32.load (i32.add (local.get $oIndex) (i32.shl (local.get $s) (i32.const 2)))))
        (local.set $rowAt (i32.shl (local.get $i) (i32.const 3)))
        (local.set $yi (f64.load (i32.add (local.get $oY) (local.get $rowAt))))
        (local.set $k (i32.load (i32.add (local.get $oIndptr) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $end (i32.load offset=4 (i32.add (local.get $oIndptr) (i32.shl (local.get $i) (i32.const 2)))))
        ;; margin = wb + Σ w[indices[k]] · data[k]
        (local.set $margin (local.get $wb))
        (block $dotDone
          (loop $dot
            (br_if $dotDone (i32.ge_s (local.get $k) (local.get $end)))
            (local.set $col (i32.load (i32.add (local.get $oIndices) (i32.shl (local.get $k) (i32.const 2)))))
            (local.set $margin
              (f64.add (local.get $margin)
                (f64.mul
                  (f64.load (i32.add (local.get $oW) (i32.shl (local.get $col) (i32.const 3))))
                  (f64.load (i32.add (local.get $oData) (i32.shl (local.get $k) (i32.const 3)))))))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (br $dot)))
        (local.set $a (f64.load (i32.add (local.get $oAlpha) (local.get $rowAt))))
        (local.set $ub (f64.load (i32.add (local.get $oUpper) (local.get $rowAt))))
        (local.set $g
          (f64.add
            (f64.sub (f64.mul (local.get $yi) (local.get $margin)) (f64.const 1))
            (f64.mul (local.get $a) (f64.load (i32.add (local.get $oShift) (local.get $rowAt))))))
        (local.set $pg (f64.const 0))
        (if (f64.eq (local.get $a) (f64.const 0))
          (then
            ;; Shrinking: a row at its lower bound whose gradient points further out is set aside.
            (if (f64.gt (local.get $g) (local.get $pgMaxOld))
              (then
                (local.set $active (i32.sub (local.get $active) (i32.const 1)))
                (i32.store (i32.add (local.get $oIndex) (i32.shl (local.get $s) (i32.const 2)))
                  (i32.load (i32.add (local.get $oIndex) (i32.shl (local.get $active) (i32.const 2)))))
                (i32.store (i32.add (local.get $oIndex) (i32.shl (local.get $active) (i32.const 2))) (local.get $i))
                (br $rows)))
            (if (f64.lt (local.get $g) (f64.const 0)) (then (local.set $pg (local.get $g)))))
          (else
            (if (f64.eq (local.get $a) (local.get $ub))
              (then
                (if (f64.lt (local.get $g) (local.get $pgMinOld))
                  (then
                    (local.set $active (i32.sub (local.get $active) (i32.const 1)))
                    (i32.store (i32.add (local.get $oIndex) (i32.shl (local.get $s) (i32.const 2)))
                      (i32.load (i32.add (local.get $oIndex) (i32.shl (local.get $active) (i32.const 2)))))
                    (i32.store (i32.add (local.get $oIndex) (i32.shl (local.get $active) (i32.const 2))) (local.get $i))
                    (br $rows)))
                (if (f64.gt (local.get $g) (f64.const 0)) (then (local.set $pg (local.get $g)))))
              (else (local.set $pg (local.get $g))))))
        (if (f64.gt (local.get $pg) (local.get $pgMaxNew)) (then (local.set $pgMaxNew (local.get $pg))))
        (if (f64.lt (local.get $pg) (local.get $pgMinNew)) (then (local.set $pgMinNew (local.get $pg))))
        (if (f64.gt (f64.abs (local.get $pg)) (f64.const 1e-12))
          (then
            (local.set $next
              (f64.min
                (f64.max
                  (f64.sub (local.get $a)
                    (f64.div (local.get $g) (f64.load (i32.add (local.get $oQd) (local.get $rowAt)))))
                  (f64.const 0))
                (local.get $ub)))
            (f64.store (i32.add (local.get $oAlpha) (local.get $rowAt)) (local.get $next))
            (local.set $d (f64.mul (f64.sub (local.get $next) (local.get $a)) (local.get $yi)))
            ;; w[indices[k]] += d · data[k]
            (local.set $k (i32.load (i32.add (local.get $oIndptr) (i32.shl (local.get $i) (i32.const 2)))))
            (block $updDone
              (loop $upd
                (br_if $updDone (i32.ge_s (local.get $k) (local.get $end)))
                (local.set $col
                  (i32.add (local.get $oW)
                    (i32.shl (i32.load (i32.add (local.get $oIndices) (i32.shl (local.get $k) (i32.const 2))))
                      (i32.const 3))))
                (f64.store (local.get $col)
                  (f64.add (f64.load (local.get $col))
                    (f64.mul (local.get $d)
                      (f64.load (i32.add (local.get $oData) (i32.shl (local.get $k) (i32.const 3)))))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $upd)))
            (local.set $wb (f64.add (local.get $wb) (local.get $d)))))
        (local.set $s (i32.add (local.get $s) (i32.const 1)))
        (br $rows)))
    (f64.store (local.get $oState) (local.get $wb))
    (f64.store offset=8 (local.get $oState) (local.get $pgMaxNew))
    (f64.store offset=16 (local.get $oState) (local.get $pgMinNew))
    (local.get $active)))
