/* mlp.h -- libmlp, everything: reading CSV, networks, training, models. */
#ifndef MLP_H
#define MLP_H

#include "mlp/status.h"
#include "mlp/version.h"
#include "mlp/csv.h"
#include "mlp/net.h"
#include "mlp/train.h"
#include "mlp/model.h"

#endif
