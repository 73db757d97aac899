#pragma once
// Who an open file signals when it becomes ready with O_ASYNC set
// (fcntl F_SETOWN, F_SETOWN_EX, F_SETSIG), kept per open file
// description as Linux keeps f_owner.
#include <cstdint>

namespace cella::fs {

enum class OwnerType : int { Thread = 0, Process = 1, ProcessGroup = 2 };  // F_OWNER_TID, _PID, _PGRP

struct AsyncOwner {
    OwnerType type = OwnerType::Process;
    int id = 0;      // 0: nobody is signalled
    int signal = 0;  // F_SETSIG; 0 means SIGIO without details
};

}  // namespace cella::fs
