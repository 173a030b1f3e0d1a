package transfer

// The quick test's margins, in accuracy fractions; see TestQuickPartA.
const (
	minSourceAccuracy = 0.8
	minFrozenGain     = 0.05
	minFineTuneGain   = 0.05
	minPairedGain     = 0.0
)
