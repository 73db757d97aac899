#pragma once
// A doubly linked list threaded through its members: no allocation, O(1)
// removal. A member derives from IntrusiveListNode<Tag>, one base per list
// it can be on; the Tag tells the lists apart.
#include <cstddef>

#include "panic.h"

namespace cella::base {

struct DefaultListTag;

template <typename Tag = DefaultListTag>
class IntrusiveListNode {
public:
    IntrusiveListNode() = default;
    IntrusiveListNode(const IntrusiveListNode&) = delete;
    IntrusiveListNode& operator=(const IntrusiveListNode&) = delete;
    ~IntrusiveListNode() { CELLA_ASSERT(!is_linked()); }
    bool is_linked() const { return next_ != nullptr; }

private:
    template <typename, typename>
    friend class IntrusiveList;
    IntrusiveListNode* prev_ = nullptr;
    IntrusiveListNode* next_ = nullptr;
};

template <typename T, typename Tag = DefaultListTag>
class IntrusiveList {
    using Node = IntrusiveListNode<Tag>;

public:
    IntrusiveList() { head_.prev_ = head_.next_ = &head_; }
    IntrusiveList(const IntrusiveList&) = delete;
    IntrusiveList& operator=(const IntrusiveList&) = delete;
    ~IntrusiveList() {
        CELLA_ASSERT(is_empty());
        head_.prev_ = head_.next_ = nullptr;
    }

    bool is_empty() const { return head_.next_ == &head_; }
    std::size_t size() const {
        std::size_t n = 0;
        for (auto* node = head_.next_; node != &head_; node = node->next_) ++n;
        return n;
    }

    void push_back(T& item) { insert_before(&head_, node_of(item)); }
    void push_front(T& item) { insert_before(head_.next_, node_of(item)); }
    static void remove(T& item) {
        Node* node = node_of(item);
        CELLA_ASSERT(node->is_linked());
        node->prev_->next_ = node->next_;
        node->next_->prev_ = node->prev_;
        node->prev_ = node->next_ = nullptr;
    }
    static bool contains_node(const T& item) { return static_cast<const Node&>(item).is_linked(); }
    T* first() { return is_empty() ? nullptr : owner(head_.next_); }
    T* take_first() {
        T* item = first();
        if (item) remove(*item);
        return item;
    }

    class Iterator {
    public:
        explicit Iterator(Node* node) : node_(node) {}
        T& operator*() const { return *owner(node_); }
        T* operator->() const { return owner(node_); }
        Iterator& operator++() {
            node_ = node_->next_;
            return *this;
        }
        bool operator!=(const Iterator& other) const { return node_ != other.node_; }

    private:
        Node* node_;
    };
    Iterator begin() { return Iterator(head_.next_); }
    Iterator end() { return Iterator(&head_); }

private:
    static Node* node_of(T& item) { return static_cast<Node*>(&item); }
    static T* owner(Node* node) { return static_cast<T*>(node); }
    static void insert_before(Node* next, Node* node) {
        CELLA_ASSERT(!node->is_linked());
        node->next_ = next;
        node->prev_ = next->prev_;
        next->prev_->next_ = node;
        next->prev_ = node;
    }
    Node head_;
};

}  // namespace cella::base
