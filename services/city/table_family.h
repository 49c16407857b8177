// The projector's tables and the read-model store's column families are
// one-to-one; the mapping lives here once, for the live runner and the
// rebuild.
#ifndef REPORTING_SERVICES_CITY_TABLE_FAMILY_H_
#define REPORTING_SERVICES_CITY_TABLE_FAMILY_H_

#include "services/projector/projector.h"
#include "storage/read_model_store.h"

namespace reporting::city {

inline storage::ReadModelStore::Family FamilyOf(projector::Table t) {
  using Family = storage::ReadModelStore::Family;
  switch (t) {
    case projector::Table::kState:
      return Family::kState;
    case projector::Table::kRows:
      return Family::kRows;
    case projector::Table::kCheckpoint:
      return Family::kCheckpoint;
  }
  return Family::kRows;
}

inline projector::Table TableOf(storage::ReadModelStore::Family f) {
  using Family = storage::ReadModelStore::Family;
  switch (f) {
    case Family::kState:
      return projector::Table::kState;
    case Family::kCheckpoint:
      return projector::Table::kCheckpoint;
    default:
      return projector::Table::kRows;
  }
}

}  // namespace reporting::city

#endif  // REPORTING_SERVICES_CITY_TABLE_FAMILY_H_
