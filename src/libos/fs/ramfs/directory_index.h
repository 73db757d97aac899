#pragma once
// The entries of one ramfs directory: names found through a hash table,
// and a listing order that getdents can resume from a position without
// walking what it already returned. Creating, finding and removing a name
// cost the same at 100,000 entries as at 10 (a directory that was a list
// made `touch` of n files cost O(n^2)).
//
// Each entry gets a position when it is added, larger than every earlier
// one; the listing is the entries in position order. A removed entry
// leaves a hole that a later compaction closes, so positions (the d_off
// values programs keep for seekdir) stay valid across removals, and a
// listing that runs while names are removed (`rm -r`) neither skips nor
// repeats an entry.
#include <cstdint>
#include <string_view>

#include "libos/base/hash_map.h"
#include "libos/base/string.h"
#include "libos/base/vector.h"

namespace cella::fs::ramfs {

template <typename T>
class DirectoryIndex {
public:
    struct Entry {
        std::string_view name;
        T* value;
        std::uint64_t next;  // the position just after this entry
    };

    std::size_t size() const { return names_.size(); }
    bool is_empty() const { return names_.is_empty(); }

    T* find(std::string_view name) {
        std::size_t* index = names_.find(name);
        return index ? &slots_[*index].value : nullptr;
    }

    // Adds `name`, which must not be there yet. Nothing changes on failure.
    base::Result<void> insert(std::string_view name, T value) {
        base::String owned = TRY(base::String::from(name));
        if (slots_.size() == slots_.capacity()) TRY(slots_.try_reserve(slots_.capacity() < 8 ? 8 : slots_.capacity() * 2));
        // The key views the slot's own string: its buffer stays put when
        // the slot moves.
        TRY(names_.try_set(owned.view(), slots_.size()));
        MUST(slots_.try_append(Slot{static_cast<base::String&&>(owned), static_cast<T&&>(value), next_position_++,
                                    true}));
        return {};
    }

    // Removes `name` and hands back its value; false if it is not there.
    bool remove(std::string_view name, T& out) {
        std::size_t* found = names_.find(name);
        if (!found) return false;
        Slot& slot = slots_[*found];
        names_.remove(name);  // before the slot's string (the key) goes
        out = static_cast<T&&>(slot.value);
        slot.value = T{};
        slot.name = base::String{};
        slot.live = false;
        ++holes_;
        if (holes_ > 32 && holes_ > slots_.size() / 2) compact();
        return true;
    }

    // The first entry at `position` or after; false past the end.
    bool at_or_after(std::uint64_t position, Entry& out) {
        // Slots are in position order: binary search, then skip holes.
        std::size_t low = 0, high = slots_.size();
        while (low < high) {
            std::size_t middle = low + (high - low) / 2;
            if (slots_[middle].position < position)
                low = middle + 1;
            else
                high = middle;
        }
        for (std::size_t i = low; i < slots_.size(); ++i) {
            Slot& slot = slots_[i];
            if (!slot.live) continue;
            out = {slot.name.view(), &slot.value, slot.position + 1};
            return true;
        }
        return false;
    }

private:
    struct Slot {
        base::String name;
        T value;
        std::uint64_t position;
        bool live;
    };

    // Closes the holes in place and points the names at the moved slots;
    // it cannot fail, since nothing is allocated.
    void compact() {
        std::size_t kept = 0;
        for (std::size_t i = 0; i < slots_.size(); ++i) {
            if (!slots_[i].live) continue;
            if (kept != i) {
                slots_[kept] = static_cast<Slot&&>(slots_[i]);
                *names_.find(slots_[kept].name.view()) = kept;
            }
            ++kept;
        }
        MUST(slots_.try_resize(kept));
        holes_ = 0;
    }

    base::Vector<Slot> slots_;
    base::HashMap<std::string_view, std::size_t> names_;
    std::uint64_t next_position_ = 0;
    std::size_t holes_ = 0;
};

}  // namespace cella::fs::ramfs
