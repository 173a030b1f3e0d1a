//go:build !purego

#include "textflag.h"

// Row i of the tile: accumulate B (Y0, Y1) times the broadcast A value in Y2 or Y3.
#define FMA_ROW(bc, lo, hi) \
	VFMADD231PS Y0, bc, lo; \
	VFMADD231PS Y1, bc, hi

// Store (or add then store) the two accumulators of one row at DX, then step DX to the next row.
#define STORE_ROW(lo, hi) \
	VMOVUPS lo, (DX); \
	VMOVUPS hi, 32(DX); \
	ADDQ    R8, DX

#define ADD_STORE_ROW(lo, hi) \
	VADDPS  (DX), lo, lo; \
	VADDPS  32(DX), hi, hi; \
	VMOVUPS lo, (DX); \
	VMOVUPS hi, 32(DX); \
	ADDQ    R8, DX

// func kernel6x16AVX2(k int, a, b, c *float32, ldc int, add bool)
//
// Accumulators: Y4..Y15, two per row (columns 0-7 and 8-15). Per step p: B row in Y0, Y1; A values
// broadcast alternately into Y2, Y3.
TEXT ·kernel6x16AVX2(SB), NOSPLIT, $0-41
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ c+24(FP), DX
	MOVQ ldc+32(FP), R8
	SHLQ $2, R8

	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15

loop:
	VMOVUPS      (DI), Y0
	VMOVUPS      32(DI), Y1
	VBROADCASTSS (SI), Y2
	VBROADCASTSS 4(SI), Y3
	FMA_ROW(Y2, Y4, Y5)
	FMA_ROW(Y3, Y6, Y7)
	VBROADCASTSS 8(SI), Y2
	VBROADCASTSS 12(SI), Y3
	FMA_ROW(Y2, Y8, Y9)
	FMA_ROW(Y3, Y10, Y11)
	VBROADCASTSS 16(SI), Y2
	VBROADCASTSS 20(SI), Y3
	FMA_ROW(Y2, Y12, Y13)
	FMA_ROW(Y3, Y14, Y15)
	ADDQ         $24, SI
	ADDQ         $64, DI
	DECQ         CX
	JNZ          loop

	CMPB add+40(FP), $0
	JEQ  store
	ADD_STORE_ROW(Y4, Y5)
	ADD_STORE_ROW(Y6, Y7)
	ADD_STORE_ROW(Y8, Y9)
	ADD_STORE_ROW(Y10, Y11)
	ADD_STORE_ROW(Y12, Y13)
	ADD_STORE_ROW(Y14, Y15)
	VZEROUPPER
	RET

store:
	STORE_ROW(Y4, Y5)
	STORE_ROW(Y6, Y7)
	STORE_ROW(Y8, Y9)
	STORE_ROW(Y10, Y11)
	STORE_ROW(Y12, Y13)
	STORE_ROW(Y14, Y15)
	VZEROUPPER
	RET

// func kernel6x16AVX2Direct(k int, a *float32, lda int, b, c *float32, ldc int, alpha float32, add bool)
//
// Like kernel6x16AVX2 but reads the 6 rows of A in place (row stride lda) instead of from a packed
// panel, and scales the product by alpha before storing. Rows 0-2 are addressed from SI, rows 3-5
// from R10 = SI + 3*lda.
TEXT ·kernel6x16AVX2Direct(SB), NOSPLIT, $0-53
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R9
	MOVQ b+24(FP), DI
	MOVQ c+32(FP), DX
	MOVQ ldc+40(FP), R8
	SHLQ $2, R8
	SHLQ $2, R9
	LEAQ (R9)(R9*2), R10
	ADDQ SI, R10

	// Prefetch the next row panel (rows 6-11 from a, same k columns) while this one computes: its
	// rows are usually read for the first time, from DRAM. Prefetches never fault, so running past
	// the matrix is harmless.
	LEAQ (R10)(R9*2), R11
	ADDQ R9, R11
	MOVQ $6, BX
pfrow:
	MOVQ R11, R12
	MOVQ CX, R13
pfline:
	PREFETCHT0 (R12)
	ADDQ       $64, R12
	SUBQ       $16, R13
	JGT        pfline
	ADDQ       R9, R11
	DECQ       BX
	JNZ        pfrow

	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15

dloop:
	VMOVUPS      (DI), Y0
	VMOVUPS      32(DI), Y1
	VBROADCASTSS (SI), Y2
	VBROADCASTSS (SI)(R9*1), Y3
	FMA_ROW(Y2, Y4, Y5)
	FMA_ROW(Y3, Y6, Y7)
	VBROADCASTSS (SI)(R9*2), Y2
	VBROADCASTSS (R10), Y3
	FMA_ROW(Y2, Y8, Y9)
	FMA_ROW(Y3, Y10, Y11)
	VBROADCASTSS (R10)(R9*1), Y2
	VBROADCASTSS (R10)(R9*2), Y3
	FMA_ROW(Y2, Y12, Y13)
	FMA_ROW(Y3, Y14, Y15)
	ADDQ         $4, SI
	ADDQ         $4, R10
	ADDQ         $64, DI
	DECQ         CX
	JNZ          dloop

	VBROADCASTSS alpha+48(FP), Y0
	VMULPS       Y0, Y4, Y4
	VMULPS       Y0, Y5, Y5
	VMULPS       Y0, Y6, Y6
	VMULPS       Y0, Y7, Y7
	VMULPS       Y0, Y8, Y8
	VMULPS       Y0, Y9, Y9
	VMULPS       Y0, Y10, Y10
	VMULPS       Y0, Y11, Y11
	VMULPS       Y0, Y12, Y12
	VMULPS       Y0, Y13, Y13
	VMULPS       Y0, Y14, Y14
	VMULPS       Y0, Y15, Y15

	CMPB add+52(FP), $0
	JEQ  dstore
	ADD_STORE_ROW(Y4, Y5)
	ADD_STORE_ROW(Y6, Y7)
	ADD_STORE_ROW(Y8, Y9)
	ADD_STORE_ROW(Y10, Y11)
	ADD_STORE_ROW(Y12, Y13)
	ADD_STORE_ROW(Y14, Y15)
	VZEROUPPER
	RET

dstore:
	STORE_ROW(Y4, Y5)
	STORE_ROW(Y6, Y7)
	STORE_ROW(Y8, Y9)
	STORE_ROW(Y10, Y11)
	STORE_ROW(Y12, Y13)
	STORE_ROW(Y14, Y15)
	VZEROUPPER
	RET

// func kernel6x16AVX2Strided(k int, a *float32, lda int, b, c *float32, ldc int, alpha float32, add bool)
//
// Like kernel6x16AVX2 but reads A in place from a transposed matrix: the 6 values of step p are
// contiguous at a + p*lda. Scales the product by alpha before storing.
TEXT ·kernel6x16AVX2Strided(SB), NOSPLIT, $0-53
	MOVQ k+0(FP), CX
	MOVQ a+8(FP), SI
	MOVQ lda+16(FP), R9
	MOVQ b+24(FP), DI
	MOVQ c+32(FP), DX
	MOVQ ldc+40(FP), R8
	SHLQ $2, R8
	SHLQ $2, R9

	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
	VXORPS Y8, Y8, Y8
	VXORPS Y9, Y9, Y9
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11
	VXORPS Y12, Y12, Y12
	VXORPS Y13, Y13, Y13
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15

sloop:
	// Rows p of the next tiles' columns: one cache line ahead in A's row p.
	PREFETCHT0   64(SI)
	VMOVUPS      (DI), Y0
	VMOVUPS      32(DI), Y1
	VBROADCASTSS (SI), Y2
	VBROADCASTSS 4(SI), Y3
	FMA_ROW(Y2, Y4, Y5)
	FMA_ROW(Y3, Y6, Y7)
	VBROADCASTSS 8(SI), Y2
	VBROADCASTSS 12(SI), Y3
	FMA_ROW(Y2, Y8, Y9)
	FMA_ROW(Y3, Y10, Y11)
	VBROADCASTSS 16(SI), Y2
	VBROADCASTSS 20(SI), Y3
	FMA_ROW(Y2, Y12, Y13)
	FMA_ROW(Y3, Y14, Y15)
	ADDQ         R9, SI
	ADDQ         $64, DI
	DECQ         CX
	JNZ          sloop

	VBROADCASTSS alpha+48(FP), Y0
	VMULPS       Y0, Y4, Y4
	VMULPS       Y0, Y5, Y5
	VMULPS       Y0, Y6, Y6
	VMULPS       Y0, Y7, Y7
	VMULPS       Y0, Y8, Y8
	VMULPS       Y0, Y9, Y9
	VMULPS       Y0, Y10, Y10
	VMULPS       Y0, Y11, Y11
	VMULPS       Y0, Y12, Y12
	VMULPS       Y0, Y13, Y13
	VMULPS       Y0, Y14, Y14
	VMULPS       Y0, Y15, Y15

	CMPB add+52(FP), $0
	JEQ  sstore
	ADD_STORE_ROW(Y4, Y5)
	ADD_STORE_ROW(Y6, Y7)
	ADD_STORE_ROW(Y8, Y9)
	ADD_STORE_ROW(Y10, Y11)
	ADD_STORE_ROW(Y12, Y13)
	ADD_STORE_ROW(Y14, Y15)
	VZEROUPPER
	RET

sstore:
	STORE_ROW(Y4, Y5)
	STORE_ROW(Y6, Y7)
	STORE_ROW(Y8, Y9)
	STORE_ROW(Y10, Y11)
	STORE_ROW(Y12, Y13)
	STORE_ROW(Y14, Y15)
	VZEROUPPER
	RET
