;; Gathers one string column of a log file's events: for each event i, the byte range
;; [offsets[i·stride + field], offsets[i·stride + field + 1]) of the file is appended to the
;; column's data, and the running length is stored as Arrow's offset i + 1.
;;
;; Byte offsets into the exported memory: the file's bytes at 0 (so event offsets are addresses),
;; oOffsets (i32, n · stride), out: oOutOffsets (i32, n + 1), oOutData. Returns the data's length.
;; One memory.copy per value instead of a JavaScript byte loop: most values are 10–40 bytes.
(module
  (memory (export "memory") 1)
  (func (export "gather")
    (param $oOffsets i32) (param $stride i32) (param $field i32) (param $n i32)
    (param $oOutOffsets i32) (param $oOutData i32)
    (result i32)
    (local $i i32) (local $p i32) (local $step i32) (local $s i32) (local $len i32) (local $pos i32)
    (i32.store (local.get $oOutOffsets) (i32.const 0))
    (local.set $p (i32.add (local.get $oOffsets) (i32.shl (local.get $field) (i32.const 2))))
    (local.set $step (i32.shl (local.get $stride) (i32.const 2)))
    (block $done
      (loop $each
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $s (i32.load (local.get $p)))
        (local.set $len (i32.sub (i32.load offset=4 (local.get $p)) (local.get $s)))
        (memory.copy (i32.add (local.get $oOutData) (local.get $pos)) (local.get $s) (local.get $len))
        (local.set $pos (i32.add (local.get $pos) (local.get $len)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (i32.store (i32.add (local.get $oOutOffsets) (i32.shl (local.get $i) (i32.const 2))) (local.get $pos))
        (local.set $p (i32.add (local.get $p) (local.get $step)))
        (br $each)))
    (local.get $pos)))
