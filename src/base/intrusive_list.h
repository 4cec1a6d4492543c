// base: a doubly linked list threaded through pointer fields of its elements, so it never
// allocates. An element is in at most one list per pair of link fields; `first`/`last` are null
// when the list is empty, and a removed element's links are null.
#pragma once

namespace hardalloc {

template <class T, T* T::*NEXT = &T::next, T* T::*PREV = &T::prev>
struct IntrusiveList {
  T* first = nullptr;
  T* last = nullptr;

  void push_front(T* e) {
    e->*PREV = nullptr;
    e->*NEXT = first;
    if (first != nullptr)
      first->*PREV = e;
    else
      last = e;
    first = e;
  }
  void push_back(T* e) {
    e->*NEXT = nullptr;
    e->*PREV = last;
    if (last != nullptr)
      last->*NEXT = e;
    else
      first = e;
    last = e;
  }
  // Inserts `e` behind every element that does not belong behind it (`behind(x)`: x belongs
  // behind e), searching from the back: O(1) when e belongs at or near the back, as a deadline
  // of now plus a delay does.
  template <class Behind>
  void insert_from_back(T* e, Behind behind) {
    T* pos = last;
    while (pos != nullptr && behind(pos)) pos = pos->*PREV;
    if (pos == nullptr) return push_front(e);
    e->*PREV = pos;
    e->*NEXT = pos->*NEXT;
    if (pos->*NEXT != nullptr)
      (pos->*NEXT)->*PREV = e;
    else
      last = e;
    pos->*NEXT = e;
  }
  void remove(T* e) {
    if (e->*PREV != nullptr)
      (e->*PREV)->*NEXT = e->*NEXT;
    else
      first = e->*NEXT;
    if (e->*NEXT != nullptr)
      (e->*NEXT)->*PREV = e->*PREV;
    else
      last = e->*PREV;
    e->*NEXT = e->*PREV = nullptr;
  }
  T* pop_front() {
    T* e = first;
    if (e != nullptr) remove(e);
    return e;
  }
};

}  // namespace hardalloc
