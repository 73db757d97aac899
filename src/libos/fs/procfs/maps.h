#pragma once
// /proc/PID/maps in Linux's format, which glibc's pthread_getattr_np,
// sanitizers, debuggers and language runtimes parse; smaps starts each
// block with the same line.
#include "mappings.h"
#include "nodes.h"

namespace cella::fs::procfs {

Result<void> generate_maps(const Subject& subject, TextBuilder& out);

// What a maps line carries over from the one before it: the file's
// device and inode, and the offset along a loaded program's pieces.
struct MapsCursor {
    std::uint64_t dev = 0, ino = 0, offset = 0;
};
// The maps line of mappings[index], with its newline.
Result<void> append_maps_line(TextBuilder& out, const base::Vector<Mapping>& mappings, std::size_t index,
                              MapsCursor& cursor);
// Pads the line begun at `line_start` to Linux's name column, then the name
// (nothing when it is empty) and the newline.
Result<void> append_name_column(TextBuilder& out, std::size_t line_start, std::string_view name);

}  // namespace cella::fs::procfs
