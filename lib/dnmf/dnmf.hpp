// Umbrella header: everything a user of libdnmf needs.
#pragma once

#include "dnmf/cluster/kmeans.hpp"
#include "dnmf/core/csr.hpp"
#include "dnmf/core/error.hpp"
#include "dnmf/core/progress.hpp"
#include "dnmf/core/rng.hpp"
#include "dnmf/core/types.hpp"
#include "dnmf/io/edge_list.hpp"
#include "dnmf/io/labels.hpp"
#include "dnmf/io/matrix_market.hpp"
#include "dnmf/linalg/data_matrix.hpp"
#include "dnmf/linalg/products.hpp"
#include "dnmf/metrics/metrics.hpp"
#include "dnmf/models/nmf.hpp"
