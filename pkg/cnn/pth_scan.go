package cnn

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// maxPickleStack bounds the objects and marks a pickle may hold on its stack at once. A state
// dict's pickle needs a few thousand (Python batches SETITEMS by 1000 pairs); the bound keeps a
// stream of MARK or EMPTY_DICT opcodes from building millions of pending objects.
const maxPickleStack = 1 << 16

// pickleArg describes one pickle opcode (protocols 0-5, as listed by Python's pickletools): its
// argument, a fixed number of bytes, a little-endian length prefix of 1, 4 or 8 bytes followed by
// that many bytes, or newline-terminated lines; and its effect on the stack: pop items (toMark:
// every item down to the topmost mark, and the mark), then push items.
type pickleArg struct {
	fixed     int // bytes of fixed-size argument
	lenPrefix int // size of a length prefix (0: none)
	lines     int // newline-terminated lines

	pop, push int
	toMark    bool
}

var pickleOpcodes = func() map[byte]pickleArg {
	m := map[byte]pickleArg{}
	set := func(ops string, a pickleArg) {
		for _, op := range []byte(ops) {
			m[op] = a
		}
	}
	// Pushes one object, without argument: NONE, NEWTRUE, NEWFALSE, EMPTY_LIST, EMPTY_TUPLE,
	// EMPTY_DICT, EMPTY_SET, NEXT_BUFFER; DUP copies the top.
	set("N\x88\x89])}\x8f\x97", pickleArg{push: 1})
	set("2", pickleArg{pop: 1, push: 2})
	// No stack effect: PROTO (1-byte argument), MEMOIZE; BINPUT, LONG_BINPUT, PUT below.
	set("\x80", pickleArg{fixed: 1})
	set("\x94", pickleArg{})
	set("q", pickleArg{fixed: 1})
	set("r", pickleArg{fixed: 4})
	set("p", pickleArg{lines: 1})
	// Push one object read from a fixed-size argument: BININT, BININT1, BININT2, BINFLOAT,
	// BINGET, LONG_BINGET, EXT1, EXT2, EXT4.
	for op, n := range map[byte]int{'J': 4, 'K': 1, 'M': 2, 'G': 8, 'h': 1, 'j': 4, 0x82: 1, 0x83: 2, 0x84: 4} {
		m[op] = pickleArg{fixed: n, push: 1}
	}
	// Push one object read from a length-prefixed argument: strings, bytes, longs.
	for op, n := range map[byte]int{'T': 4, 'U': 1, 'B': 4, 'C': 1, 0x8e: 8, 'X': 4, 0x8c: 1, 0x8d: 8,
		0x96: 8, 0x8a: 1, 0x8b: 4} {
		m[op] = pickleArg{lenPrefix: n, push: 1}
	}
	// Push one object read from a line: INT, LONG, FLOAT, STRING, UNICODE, PERSID, GET; GLOBAL
	// reads two.
	set("ILFSVPg", pickleArg{lines: 1, push: 1})
	set("c", pickleArg{lines: 2, push: 1})
	// Replace the top object: BINPERSID, READONLY_BUFFER, TUPLE1.
	set("Q\x98\x85", pickleArg{pop: 1, push: 1})
	// Combine two objects into one: REDUCE, APPEND, BUILD, NEWOBJ, STACK_GLOBAL, TUPLE2.
	set("Rab\x81\x93\x86", pickleArg{pop: 2, push: 1})
	// Combine three into one: SETITEM, NEWOBJ_EX, TUPLE3.
	set("s\x92\x87", pickleArg{pop: 3, push: 1})
	set("0", pickleArg{pop: 1}) // POP (with nothing above the topmost mark, it pops the mark)
	set(".", pickleArg{pop: 1}) // STOP
	// Pop down to the topmost mark, then push the result: TUPLE, LIST, DICT, FROZENSET, OBJ;
	// INST also reads two lines.
	set("tld\x91o", pickleArg{toMark: true, push: 1})
	m['i'] = pickleArg{lines: 2, toMark: true, push: 1}
	// Pop down to the topmost mark into the object below it: APPENDS, SETITEMS, ADDITEMS; and
	// POP_MARK.
	set("eu\x901", pickleArg{toMark: true})
	m['('] = pickleArg{}  // MARK: handled by the scanner
	m[0x95] = pickleArg{} // FRAME: an 8-byte size, handled by the scanner
	return m
}()

// scanPickle walks the opcodes of a pickle stream without executing them and checks that every
// length-prefixed argument and frame fits inside the data and that the stack never holds more
// than maxPickleStack objects and marks, so that decoding it cannot be made to allocate more than
// a small multiple of the stream's own size. It requires a STOP opcode.
func scanPickle(data []byte) error {
	_, err := pickleLength(data)
	return err
}

// pickleLength is scanPickle that also returns the length of the first pickle in data, up to and
// including its STOP opcode, for files that hold several pickles one after the other.
func pickleLength(data []byte) (int, error) {
	pos := 0
	depth := 0      // objects on the stack
	var marks []int // depth at each pending mark
	for pos < len(data) {
		start := pos
		op := data[pos]
		arg, ok := pickleOpcodes[op]
		if !ok {
			return 0, fmt.Errorf("unknown pickle opcode 0x%02x at byte %d", op, pos)
		}
		pos++
		switch {
		case op == 0x95: // FRAME: an 8-byte size; the framed opcodes follow inline.
			if pos+8 > len(data) {
				return 0, fmt.Errorf("truncated pickle frame at byte %d", pos)
			}
			if size := binary.LittleEndian.Uint64(data[pos:]); size > uint64(len(data)-pos-8) {
				return 0, fmt.Errorf("pickle frame of %d bytes at byte %d overruns the %d-byte stream", size, pos, len(data))
			}
			pos += 8
		case arg.fixed > 0:
			if pos+arg.fixed > len(data) {
				return 0, fmt.Errorf("truncated pickle argument at byte %d", pos)
			}
			pos += arg.fixed
		case arg.lenPrefix > 0:
			if pos+arg.lenPrefix > len(data) {
				return 0, fmt.Errorf("truncated pickle length at byte %d", pos)
			}
			var n uint64
			switch arg.lenPrefix {
			case 1:
				n = uint64(data[pos])
			case 4:
				n = uint64(binary.LittleEndian.Uint32(data[pos:]))
			case 8:
				n = binary.LittleEndian.Uint64(data[pos:])
			}
			pos += arg.lenPrefix
			if n > uint64(len(data)-pos) {
				return 0, fmt.Errorf("pickle argument of %d bytes at byte %d overruns the %d-byte stream", n, pos, len(data))
			}
			pos += int(n)
		case arg.lines > 0:
			for range arg.lines {
				nl := bytes.IndexByte(data[pos:], '\n')
				if nl < 0 {
					return 0, fmt.Errorf("unterminated pickle line at byte %d", pos)
				}
				pos += nl + 1
			}
		}

		// The stack: objects above the topmost mark may be popped; a mark only by the opcodes that
		// pop to it (and POP with nothing above it, as Python and gopickle do).
		above := depth
		if len(marks) > 0 {
			above = depth - marks[len(marks)-1]
		}
		switch {
		case op == '(':
			marks = append(marks, depth)
		case arg.toMark || (op == '0' && above == 0):
			if len(marks) == 0 {
				return 0, fmt.Errorf("pickle opcode %q at byte %d pops a mark, but none is on the stack", op, start)
			}
			depth = marks[len(marks)-1]
			marks = marks[:len(marks)-1]
		case above < arg.pop:
			return 0, fmt.Errorf("pickle opcode %q at byte %d pops %d objects, but the stack holds %d above its topmost mark", op, start, arg.pop, above)
		default:
			depth -= arg.pop
		}
		depth += arg.push
		if depth+len(marks) > maxPickleStack {
			return 0, fmt.Errorf("pickle holds more than %d objects and marks on its stack at byte %d", maxPickleStack, start)
		}
		if op == '.' {
			return pos, nil
		}
	}
	return 0, fmt.Errorf("pickle stream of %d bytes has no STOP opcode", len(data))
}
