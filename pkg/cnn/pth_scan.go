package cnn

import (
	"bytes"
	"encoding/binary"
	"fmt"
)

// pickleArgs describes the argument of each pickle opcode (protocols 0-5, as listed by Python's
// pickletools): a fixed number of bytes, a little-endian length prefix of 1, 4 or 8 bytes followed by
// that many bytes, or newline-terminated lines.
type pickleArg struct {
	fixed     int // bytes of fixed-size argument
	lenPrefix int // size of a length prefix (0: none)
	lines     int // newline-terminated lines
}

var pickleOpcodes = func() map[byte]pickleArg {
	m := map[byte]pickleArg{}
	for _, op := range []byte("(.012N\x88\x89ael]d}su)t\x85\x86\x87bR\x81\x92o\x93\x94\x8f\x90\x91\x97\x98Q") {
		m[op] = pickleArg{}
	}
	for op, n := range map[byte]int{'J': 4, 'K': 1, 'M': 2, 'G': 8, 'h': 1, 'j': 4, 'q': 1, 'r': 4,
		0x80: 1, 0x82: 1, 0x83: 2, 0x84: 4, 0x95: 8} {
		m[op] = pickleArg{fixed: n}
	}
	for op, n := range map[byte]int{'T': 4, 'U': 1, 'B': 4, 'C': 1, 0x8e: 8, 'X': 4, 0x8c: 1, 0x8d: 8,
		0x96: 8, 0x8a: 1, 0x8b: 4} {
		m[op] = pickleArg{lenPrefix: n}
	}
	for _, op := range []byte("ILFSVPgp") {
		m[op] = pickleArg{lines: 1}
	}
	m['c'], m['i'] = pickleArg{lines: 2}, pickleArg{lines: 2}
	return m
}()

// scanPickle walks the opcodes of a pickle stream without executing them and checks that every
// length-prefixed argument and frame fits inside the data, so that decoding it cannot be made to
// allocate more than the stream's own size. It requires a STOP opcode.
func scanPickle(data []byte) error {
	_, err := pickleLength(data)
	return err
}

// pickleLength is scanPickle that also returns the length of the first pickle in data, up to and
// including its STOP opcode, for files that hold several pickles one after the other.
func pickleLength(data []byte) (int, error) {
	pos := 0
	for pos < len(data) {
		op := data[pos]
		arg, ok := pickleOpcodes[op]
		if !ok {
			return 0, fmt.Errorf("unknown pickle opcode 0x%02x at byte %d", op, pos)
		}
		pos++
		if op == '.' {
			return pos, nil
		}
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
	}
	return 0, fmt.Errorf("pickle stream of %d bytes has no STOP opcode", len(data))
}
