package detect

import (
	"fmt"
	"math"
)

// SoftNMSMethod selects how [SoftNMS] decays the score of a box that overlaps a kept one.
type SoftNMSMethod int

const (
	// SoftLinear multiplies the score by 1 - IoU when IoU >= IoUThreshold (Bodla et al. 2017, eq. 2).
	SoftLinear SoftNMSMethod = iota + 1
	// SoftGaussian multiplies the score by exp(-IoU² / Sigma), whatever the IoU (eq. 3).
	SoftGaussian
)

// String returns "linear" or "gaussian".
func (m SoftNMSMethod) String() string {
	switch m {
	case SoftLinear:
		return "linear"
	case SoftGaussian:
		return "gaussian"
	}
	return fmt.Sprintf("SoftNMSMethod(%d)", int(m))
}

// SoftNMSConfig holds Soft-NMS's hyperparameters. [DefaultSoftNMS] returns the defaults of the
// paper's reference implementation (github.com/bharatsingh430/soft-nms, cpu_soft_nms).
type SoftNMSConfig struct {
	// Method is SoftLinear or SoftGaussian.
	Method SoftNMSMethod
	// IoUThreshold is N_t of the linear method: scores decay when IoU >= IoUThreshold.
	IoUThreshold float32
	// Sigma is σ of the Gaussian method (σ > 0).
	Sigma float32
	// ScoreThreshold drops a box once its decayed score is below it.
	ScoreThreshold float32
}

// DefaultSoftNMS returns the reference implementation's defaults for method m: N_t = 0.3, σ = 0.5,
// score threshold 0.001.
func DefaultSoftNMS(m SoftNMSMethod) SoftNMSConfig {
	return SoftNMSConfig{Method: m, IoUThreshold: 0.3, Sigma: 0.5, ScoreThreshold: 0.001}
}

// SoftNMS performs Soft-NMS (Bodla et al. 2017, Algorithm 1): repeatedly keep the box with the highest
// current score and decay, rather than delete, the scores of the remaining boxes by their IoU with it.
// It returns the kept indices in the order they were selected and their decayed scores. A box whose
// decayed score falls below cfg.ScoreThreshold is dropped.
//
// Ties in the current score go to the lower input index; a NaN score ranks first, as in [NMS], and
// stays NaN. It costs O(n²) time and O(n) memory. It panics if len(boxes) != len(scores) or the
// method is unknown.
func SoftNMS(boxes []Box, scores []float32, cfg SoftNMSConfig) (keep []int, keptScores []float32) {
	if len(boxes) != len(scores) {
		panic(fmt.Sprintf("detect: SoftNMS: len(boxes) = %d but len(scores) = %d, want equal", len(boxes), len(scores)))
	}
	if cfg.Method != SoftLinear && cfg.Method != SoftGaussian {
		panic(fmt.Sprintf("detect: SoftNMS: unknown method %v, want SoftLinear or SoftGaussian", cfg.Method))
	}
	// Remaining boxes as indices into boxes, with their current scores, in input order.
	idx := make([]int, len(boxes))
	cur := make([]float32, len(boxes))
	for i := range idx {
		idx[i], cur[i] = i, scores[i]
	}
	for len(idx) > 0 {
		best := 0
		for k := 1; k < len(idx); k++ {
			if compareScores(cur[k], cur[best]) < 0 {
				best = k
			}
		}
		m, ms := idx[best], cur[best]
		// Remove best, keeping input order for the tie rule.
		idx = append(idx[:best], idx[best+1:]...)
		cur = append(cur[:best], cur[best+1:]...)
		if ms < cfg.ScoreThreshold {
			break // every remaining score is lower still
		}
		keep = append(keep, m)
		keptScores = append(keptScores, ms)
		n := 0
		for k, i := range idx {
			s := cur[k] * softWeight(IoU(boxes[m], boxes[i]), cfg)
			if s < cfg.ScoreThreshold {
				continue
			}
			idx[n], cur[n] = i, s
			n++
		}
		idx, cur = idx[:n], cur[:n]
	}
	return keep, keptScores
}

func softWeight(iou float32, cfg SoftNMSConfig) float32 {
	if cfg.Method == SoftGaussian {
		return float32(math.Exp(-float64(iou) * float64(iou) / float64(cfg.Sigma)))
	}
	if iou >= cfg.IoUThreshold {
		return 1 - iou
	}
	return 1
}
