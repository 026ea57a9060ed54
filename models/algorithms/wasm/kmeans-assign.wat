;; The E-step of Lloyd's k-means on sparse rows: for each row i, the nearest of k dense centres by
;; ‖x_i − c‖² = ‖x_i‖² − 2·x_i·c + ‖c‖² (clamped at 0), its index and distance, and their sum (the
;; inertia). Same arithmetic, same order and the same tie rule (first strictly smaller) as the
;; JavaScript in kmeans.ts, so labels and distances are bit-identical.
;;
;; Byte offsets into the exported memory: indptr (i32, n + 1), indices (i32), data (f64), xx (f64,
;; ‖x_i‖²), centers (f64, k × p row-major), cc (f64, ‖c‖²); out: labels (i32), d2 (f64).
(module
  (memory (export "memory") 1)
  (func (export "assign")
    (param $n i32) (param $k i32) (param $p i32)
    (param $oIndptr i32) (param $oIndices i32) (param $oData i32) (param $oXx i32)
    (param $oCenters i32) (param $oCc i32) (param $oLabels i32) (param $oD2 i32)
    (result f64)
    (local $i i32) (local $c i32) (local $q i32) (local $start i32) (local $end i32) (local $off i32)
    (local $arg i32)
    (local $dot f64) (local $d f64) (local $best f64) (local $xx f64) (local $inertia f64)
    (block $rowsDone
      (loop $rows
        (br_if $rowsDone (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $start (i32.load (i32.add (local.get $oIndptr) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $end (i32.load offset=4 (i32.add (local.get $oIndptr) (i32.shl (local.get $i) (i32.const 2)))))
        (local.set $xx (f64.load (i32.add (local.get $oXx) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $best (f64.const inf))
        (local.set $arg (i32.const 0))
        (local.set $c (i32.const 0))
        (block $centresDone
          (loop $centres
            (br_if $centresDone (i32.ge_s (local.get $c) (local.get $k)))
            ;; byte offset of centre c: oCenters + 8 · c · p
            (local.set $off
              (i32.add (local.get $oCenters) (i32.shl (i32.mul (local.get $c) (local.get $p)) (i32.const 3))))
            (local.set $dot (f64.const 0))
            (local.set $q (local.get $start))
            (block $dotDone
              (loop $dotLoop
                (br_if $dotDone (i32.ge_s (local.get $q) (local.get $end)))
                (local.set $dot
                  (f64.add (local.get $dot)
                    (f64.mul
                      (f64.load (i32.add (local.get $oData) (i32.shl (local.get $q) (i32.const 3))))
                      (f64.load
                        (i32.add (local.get $off)
                          (i32.shl (i32.load (i32.add (local.get $oIndices) (i32.shl (local.get $q) (i32.const 2))))
                            (i32.const 3)))))))
                (local.set $q (i32.add (local.get $q) (i32.const 1)))
                (br $dotLoop)))
            (local.set $d
              (f64.max
                (f64.add
                  (f64.sub (local.get $xx) (f64.mul (f64.const 2) (local.get $dot)))
                  (f64.load (i32.add (local.get $oCc) (i32.shl (local.get $c) (i32.const 3)))))
                (f64.const 0)))
            (if (f64.lt (local.get $d) (local.get $best))
              (then
                (local.set $best (local.get $d))
                (local.set $arg (local.get $c))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $centres)))
        (i32.store (i32.add (local.get $oLabels) (i32.shl (local.get $i) (i32.const 2))) (local.get $arg))
        (f64.store (i32.add (local.get $oD2) (i32.shl (local.get $i) (i32.const 3))) (local.get $best))
        (local.set $inertia (f64.add (local.get $inertia) (local.get $best)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows)))
    (local.get $inertia)))
