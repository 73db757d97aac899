#pragma once
// An open-addressing hash map (linear probing, tombstone-free deletion by
// backward shift). Inserting can fail with ENOMEM.
#include <asm-generic/errno-base.h>

#include <cstddef>
#include <cstdint>
#include <utility>

#include "alloc.h"
#include "hash.h"
#include "result.h"

namespace cella::base {

template <typename K, typename V, typename H = Hash<K>>
class HashMap {
public:
    HashMap() = default;
    HashMap(HashMap&& other)
        : slots_(std::exchange(other.slots_, nullptr)),
          capacity_(std::exchange(other.capacity_, 0)),
          size_(std::exchange(other.size_, 0)) {}
    HashMap& operator=(HashMap&& other) {
        if (this != &other) {
            destroy();
            slots_ = std::exchange(other.slots_, nullptr);
            capacity_ = std::exchange(other.capacity_, 0);
            size_ = std::exchange(other.size_, 0);
        }
        return *this;
    }
    HashMap(const HashMap&) = delete;
    HashMap& operator=(const HashMap&) = delete;
    ~HashMap() { destroy(); }

    std::size_t size() const { return size_; }
    bool is_empty() const { return size_ == 0; }

    V* find(const K& key) {
        if (capacity_ == 0) return nullptr;
        for (std::size_t i = index_of(key);; i = (i + 1) & (capacity_ - 1)) {
            Slot& slot = slots_[i];
            if (!slot.used) return nullptr;
            if (slot.key == key) return &slot.value;
        }
    }
    const V* find(const K& key) const { return const_cast<HashMap*>(this)->find(key); }
    bool contains(const K& key) const { return find(key) != nullptr; }

    // Inserts or replaces.
    Result<void> try_set(K key, V value) {
        if ((size_ + 1) * 4 > capacity_ * 3) TRY(rehash(capacity_ ? capacity_ * 2 : 16));
        for (std::size_t i = index_of(key);; i = (i + 1) & (capacity_ - 1)) {
            Slot& slot = slots_[i];
            if (!slot.used) {
                new (&slot.key) K(std::move(key));
                new (&slot.value) V(std::move(value));
                slot.used = true;
                ++size_;
                return {};
            }
            if (slot.key == key) {
                slot.value = std::move(value);
                return {};
            }
        }
    }

    bool remove(const K& key) {
        if (capacity_ == 0) return false;
        std::size_t mask = capacity_ - 1;
        std::size_t i = index_of(key);
        while (true) {
            if (!slots_[i].used) return false;
            if (slots_[i].key == key) break;
            i = (i + 1) & mask;
        }
        clear_slot(slots_[i]);
        --size_;
        // Shift later members of the probe run back so lookups stay correct.
        std::size_t hole = i;
        for (std::size_t j = (i + 1) & mask; slots_[j].used; j = (j + 1) & mask) {
            std::size_t home = index_of(slots_[j].key);
            bool movable = hole <= j ? (home <= hole || home > j) : (home <= hole && home > j);
            if (movable) {
                new (&slots_[hole].key) K(std::move(slots_[j].key));
                new (&slots_[hole].value) V(std::move(slots_[j].value));
                slots_[hole].used = true;
                clear_slot(slots_[j]);
                hole = j;
            }
        }
        return true;
    }

    template <typename F>
    void for_each(F&& visit) {
        for (std::size_t i = 0; i < capacity_; ++i)
            if (slots_[i].used) visit(slots_[i].key, slots_[i].value);
    }

    void clear() {
        for (std::size_t i = 0; i < capacity_; ++i)
            if (slots_[i].used) clear_slot(slots_[i]);
        size_ = 0;
    }

private:
    struct Slot {
        union {
            K key;
        };
        union {
            V value;
        };
        bool used;
        Slot() : used(false) {}
        ~Slot() {}
    };

    std::size_t index_of(const K& key) const { return static_cast<std::size_t>(H{}(key)) & (capacity_ - 1); }

    static void clear_slot(Slot& slot) {
        slot.key.~K();
        slot.value.~V();
        slot.used = false;
    }

    Result<void> rehash(std::size_t new_capacity) {
        auto* fresh = static_cast<Slot*>(allocate(new_capacity * sizeof(Slot)));
        if (!fresh) return Error::from_errno(ENOMEM);
        for (std::size_t i = 0; i < new_capacity; ++i) new (&fresh[i]) Slot();
        Slot* old = std::exchange(slots_, fresh);
        std::size_t old_capacity = std::exchange(capacity_, new_capacity);
        for (std::size_t i = 0; i < old_capacity; ++i) {
            if (!old[i].used) continue;
            std::size_t j = index_of(old[i].key);
            while (slots_[j].used) j = (j + 1) & (capacity_ - 1);
            new (&slots_[j].key) K(std::move(old[i].key));
            new (&slots_[j].value) V(std::move(old[i].value));
            slots_[j].used = true;
            clear_slot(old[i]);
        }
        if (old) deallocate(old);
        return {};
    }

    void destroy() {
        clear();
        if (slots_) deallocate(slots_);
        slots_ = nullptr;
        capacity_ = 0;
    }

    Slot* slots_ = nullptr;
    std::size_t capacity_ = 0;
    std::size_t size_ = 0;
};

}  // namespace cella::base
