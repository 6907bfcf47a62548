#include "dnmf/models/encoder.hpp"

#include <cmath>

#include "dnmf/core/error.hpp"
#include "dnmf/models/deep_chain.hpp"

namespace dnmf {

Dense Encoder::transform(DataMatrix& X) const {
  if (W.empty()) throw InvalidOption("the encoder has no layers");
  if (X.cols() != features())
    throw InvalidOption("the data has " + std::to_string(X.cols()) +
                        " features but the model was fitted on " + std::to_string(features()));
  // Scaled as the training data were: the same divisor or feature ranges, not the new
  // data's own; then, like the training data after scaling, it must be nonnegative.
  scaling.apply(X);
  X.require_nonnegative("the encoder");
  Dense H;
  X.times(chain_product(W), H);
  if (!H.allFinite())
    throw NumericalError(
        "the encoding overflows double precision (the model's largest value is " +
        std::to_string(std::max(std::abs(W.front().maxCoeff()), std::abs(W.back().maxCoeff()))) + ")");
  return H;
}

}  // namespace dnmf
