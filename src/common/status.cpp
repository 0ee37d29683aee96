#include "common/status.h"

#include <cerrno>

namespace yunhe {

const char* SqlState::ForFileAccess(int err) {
  switch (err) {
    case ENOENT:
    case ENOTDIR: return kUndefinedFile;
    case EEXIST: return kDuplicateFile;
    case EACCES:
    case EPERM:
    case EROFS: return kInsufficientPrivilege;
    case ENOSPC:
    case EDQUOT: return kDiskFull;
    case EMFILE:
    case ENFILE: return kInsufficientResources;
    default: return kIoError;
  }
}

}  // namespace yunhe
