// TmsStore's insides, shared by its three source files (open, provisioning, listing).
#pragma once

#include "store/sqlite_ports.h"
#include "store/tms_store.h"

namespace tmsproto::store {

struct TmsStore::Impl {
  Impl(StoreContext context, crypto::RandomSource& r)
      : c(std::move(context)), rng(r), registry(c), custody(c), replay(c), reports(c), audit(c) {}
  StoreContext c;
  crypto::RandomSource& rng;
  SqlRegistry registry;
  SqlCustody custody;
  SqlReplayCache replay;
  SqlReports reports;
  SqlAuditLog audit;
};

}  // namespace tmsproto::store
