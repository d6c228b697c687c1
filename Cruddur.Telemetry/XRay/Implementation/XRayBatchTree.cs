using System.Diagnostics;

namespace Cruddur.Telemetry.XRay;

/// <summary>
/// One exported batch grouped into X-Ray documents. A span that would be a subsegment and whose parent span (same
/// trace) is in the batch hangs under that parent, to be embedded in the parent's <c>"subsegments"</c> array, as the
/// X-Ray SDKs send them (https://docs.aws.amazon.com/xray/latest/devguide/xray-api-segmentdocuments.html); every
/// other span is a root: a document of its own, as before. At most <see cref="MaxEmbedded"/> spans are embedded in
/// one document; the ones past that become roots (independent subsegments) with their own subtrees.
/// Holds the batch's spans only between <see cref="Add"/> and <see cref="Clear"/>; its arrays are reused, so they are
/// as large as the largest batch. Not thread-safe: the exporter uses it under its lock.
/// </summary>
internal sealed class XRayBatchTree
{
    /// <summary>
    /// The X-Ray SDK for .NET streams subsegments out of a segment once it holds 100
    /// (https://github.com/aws/aws-xray-sdk-dotnet/blob/master/sdk/src/Core/Strategies/DefaultStreamingStrategy.cs).
    /// </summary>
    public const int MaxEmbedded = 100;

    private readonly List<Activity> _spans = [];
    private readonly Dictionary<ActivitySpanId, int> _bySpanId = [];
    private readonly List<int> _roots = [];
    private readonly Stack<int> _pending = new();
    private readonly List<int> _preorder = [];
    private Node[] _nodes = [];

    /// <summary>The documents to send: spans that are not embedded in another span's document.</summary>
    public IReadOnlyList<int> Roots => _roots;

    public Activity this[int node] => _spans[node];

    /// <summary>The first span embedded directly in <paramref name="node"/>'s document, or -1.</summary>
    public int FirstChild(int node) => _nodes[node].FirstChild;

    /// <summary>The next span embedded in the same parent, or -1.</summary>
    public int NextSibling(int node) => _nodes[node].NextSibling;

    /// <summary>How many spans <paramref name="node"/>'s document embeds, at any depth.</summary>
    public int Descendants(int node) => _nodes[node].Descendants;

    public void Add(Activity span) => _spans.Add(span);

    /// <summary>Links each span under its parent when the parent is in the batch; fills <see cref="Roots"/>.</summary>
    public void Build()
    {
        var count = _spans.Count;
        if (_nodes.Length < count)
        {
            _nodes = new Node[Math.Max(count, _nodes.Length * 2)];
        }

        for (var i = 0; i < count; i++)
        {
            _bySpanId.TryAdd(_spans[i].SpanId, i);
            _nodes[i] = new Node { Parent = -1 };
        }

        for (var i = 0; i < count; i++)
        {
            var span = _spans[i];
            if (!XRaySegmentWriter.IsSegment(span)
                && _bySpanId.TryGetValue(span.ParentSpanId, out var parent)
                && _spans[parent].TraceId == span.TraceId
                && !IsAncestorOrSelf(i, parent))
            {
                _nodes[i].Parent = parent;
            }
        }

        for (var i = 0; i < count; i++)
        {
            if (_nodes[i].Parent < 0)
            {
                _roots.Add(i);
            }
        }

        LinkChildren(count);
        Limit();
        LinkChildren(count);
        for (var k = _preorder.Count - 1; k >= 0; k--)
        {
            // Reverse preorder: every span comes after its embedded descendants.
            var node = _preorder[k];
            if (_nodes[node].Parent is var parent and >= 0)
            {
                _nodes[parent].Descendants += 1 + _nodes[node].Descendants;
            }
        }
    }

    /// <summary>Forgets the batch (no span outlives the export), keeping the capacity.</summary>
    public void Clear()
    {
        _spans.Clear();
        _bySpanId.Clear();
        _roots.Clear();
        _preorder.Clear();
    }

    /// <summary>Odd ids (a span id repeated in a batch) must not make a cycle, which no document could hold.</summary>
    private bool IsAncestorOrSelf(int node, int of)
    {
        for (var n = of; n >= 0; n = _nodes[n].Parent)
        {
            if (n == node)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Children lists from the parent links, in batch order.</summary>
    private void LinkChildren(int count)
    {
        for (var i = 0; i < count; i++)
        {
            _nodes[i].FirstChild = _nodes[i].LastChild = _nodes[i].NextSibling = -1;
            _nodes[i].Descendants = 0;
        }

        for (var i = 0; i < count; i++)
        {
            if (_nodes[i].Parent is var parent and >= 0)
            {
                if (_nodes[parent].LastChild < 0)
                {
                    _nodes[parent].FirstChild = i;
                }
                else
                {
                    _nodes[_nodes[parent].LastChild].NextSibling = i;
                }

                _nodes[parent].LastChild = i;
            }
        }
    }

    /// <summary>
    /// Walks each root's tree in preorder; the spans past <see cref="MaxEmbedded"/> are cut off (with their
    /// subtrees) and become roots, walked in turn. Records the preorder for the descendant counts.
    /// </summary>
    private void Limit()
    {
        for (var r = 0; r < _roots.Count; r++)
        {
            var root = _roots[r];
            var embedded = 0;
            _preorder.Add(root);
            if (_nodes[root].FirstChild >= 0)
            {
                _pending.Push(_nodes[root].FirstChild);
            }

            while (_pending.TryPop(out var node))
            {
                // The sibling waits under the first child, so a subtree is walked before the next sibling.
                if (_nodes[node].NextSibling >= 0)
                {
                    _pending.Push(_nodes[node].NextSibling);
                }

                if (embedded == MaxEmbedded)
                {
                    _nodes[node].Parent = -1;
                    _roots.Add(node);
                    continue;
                }

                embedded++;
                _preorder.Add(node);
                if (_nodes[node].FirstChild >= 0)
                {
                    _pending.Push(_nodes[node].FirstChild);
                }
            }
        }
    }

    private struct Node
    {
        public int Parent;
        public int FirstChild;
        public int LastChild;
        public int NextSibling;
        public int Descendants;
    }
}
