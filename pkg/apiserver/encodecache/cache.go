/*
Copyright The pod-apiserver Authors.

Licensed under the Apache License, Version 2.0 (the "License");
you may not use this file except in compliance with the License.
You may obtain a copy of the License at

    http://www.apache.org/licenses/LICENSE-2.0

Unless required by applicable law or agreed to in writing, software
distributed under the License is distributed on an "AS IS" BASIS,
WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
See the License for the specific language governing permissions and
limitations under the License.
*/

// Package encodecache serves pod lists from each pod's serialized bytes, kept per stored version,
// so that a LIST of pods that have not changed does not encode them again. The bytes written are
// those of the library's (streaming) list encoders; only PodList in protobuf and compact JSON is
// served this way, everything else goes to the library's serializer unchanged.
package encodecache

import (
	"sync"

	"k8s.io/apimachinery/pkg/types"
)

// format is one serialization of a pod kept in an entry.
type format int

const (
	formatProtobuf format = iota
	formatJSON
	numFormats
)

// entryOverhead approximates what an entry costs beyond its bytes (map slot, struct, strings).
const entryOverhead = 160

// entry is one stored version of one pod. It is immutable once in the map: adding a format
// replaces the entry, so readers never race with writers.
type entry struct {
	resourceVersion string
	// typeMeta of the item when it was encoded: JSON carries an item's kind and apiVersion when set.
	apiVersion, kind string
	encoded          [numFormats][]byte
}

func (e *entry) size() int64 {
	n := int64(entryOverhead + len(e.resourceVersion) + len(e.apiVersion) + len(e.kind))
	for _, b := range e.encoded {
		n += int64(len(b))
	}
	return n
}

// Cache holds the latest encoded version of each pod, by UID, within a byte budget. A pod's
// entry is used only when its resourceVersion (and item type meta) equals the item being
// encoded, so a changed pod is never served from an older encoding; a newer version replaces
// the older one, so at most one version per pod is held.
type Cache struct {
	budget int64

	mu      sync.RWMutex
	entries map[types.UID]*entry
	bytes   int64
}

// New returns a cache holding at most budgetBytes of encodings (approximately: entry overhead is
// estimated). A budget of zero or less disables it: New returns nil, and a nil *Cache is valid
// and caches nothing.
func New(budgetBytes int64) *Cache {
	if budgetBytes <= 0 {
		return nil
	}
	return &Cache{budget: budgetBytes, entries: map[types.UID]*entry{}}
}

// get returns the encoding of the pod version (uid, rv) in format f, if held.
func (c *Cache) get(uid types.UID, rv, apiVersion, kind string, f format) []byte {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	e := c.entries[uid]
	c.mu.RUnlock()
	if e == nil || e.resourceVersion != rv || e.apiVersion != apiVersion || e.kind != kind {
		return nil
	}
	return e.encoded[f]
}

// put records the encoding of the pod version (uid, rv) in format f. An entry for an older (or
// any other) version of the pod is replaced; other formats of the same version are kept.
func (c *Cache) put(uid types.UID, rv, apiVersion, kind string, f format, data []byte) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	next := &entry{resourceVersion: rv, apiVersion: apiVersion, kind: kind}
	if old := c.entries[uid]; old != nil {
		if old.resourceVersion == rv && old.apiVersion == apiVersion && old.kind == kind {
			next.encoded = old.encoded
		}
		c.bytes -= old.size()
		delete(c.entries, uid)
	}
	next.encoded[f] = data
	size := next.size()
	if size > c.budget {
		return
	}
	// Go's map iteration order is random, so this evicts arbitrary entries: cheap, and fair enough
	// for a cache whose misses only cost what every list cost without it.
	for uid := range c.entries {
		if c.bytes+size <= c.budget {
			break
		}
		c.bytes -= c.entries[uid].size()
		delete(c.entries, uid)
	}
	c.entries[uid] = next
	c.bytes += size
}

// Forget drops whatever is held for a pod, e.g. once it is deleted.
func (c *Cache) Forget(uid types.UID) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.entries[uid]; old != nil {
		c.bytes -= old.size()
		delete(c.entries, uid)
	}
}

// Stats tells how many pod versions and bytes are held.
func (c *Cache) Stats() (entries int, bytes int64) {
	if c == nil {
		return 0, 0
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return len(c.entries), c.bytes
}
