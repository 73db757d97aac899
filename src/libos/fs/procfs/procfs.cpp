#include "procfs.h"

#include "subject.h"

#include "clocks.h"
#include "entry_tables.h"
#include "process_directories.h"
#include "process_info.h"
#include "system_files.h"
#include "table_directory.h"

namespace cella::fs::procfs {
namespace {

// The fixed entries, then one directory per live process, by pid.
class RootDirectory final : public TableDirectory {
public:
    RootDirectory() : TableDirectory(Subject{}, 0, system_entries()) {}

    Result<RefPtr<Inode>> lookup(std::string_view name) override {
        if (std::optional<int> pid = parse_id(name)) return make_process_directory(*pid);
        return TableDirectory::lookup(name);
    }

    Result<void> list(base::Vector<ListedEntry>& out) override {
        TRY(TableDirectory::list(out));
        base::Vector<int> pids = TRY(live_process_ids());
        for (int pid : pids)
            TRY(out.try_append(ListedEntry{TRY(id_name(pid)), inode_number(Subject{pid, 0, -1}, 0), kTypeDirectory}));
        return {};
    }
};

}  // namespace

Result<RefPtr<Inode>> make_root() {
    TRY(record_boot_id());
    return make_node<RootDirectory>();
}

int process_directory_pid(const FileStat& stat) {
    if (stat.dev != kProcDevice || (stat.mode & 0170000) != 0040000) return 0;
    constexpr std::uint64_t kPidMask = (std::uint64_t{1} << kPidBits) - 1;
    int pid = static_cast<int>((stat.ino >> (kSlotBits + kTidBits)) & kPidMask);
    return pid > 0 && stat.ino == inode_number(Subject{pid, 0, -1}, 0) ? pid : 0;
}

}  // namespace cella::fs::procfs
