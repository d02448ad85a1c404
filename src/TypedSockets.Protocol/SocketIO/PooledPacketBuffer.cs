using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace TypedSockets.Protocol.SocketIO;

/// <summary>
/// A reference-counted buffer on an <see cref="ArrayPool{T}"/> array that an encoded packet is written into and that
/// recipients share. The encoder holds the first reference; every transport that queues the bytes takes one
/// (<see cref="AddRef"/>) and gives it back after writing (<see cref="Release"/>); the last release returns the buffer
/// to a pool. Memory handed out by <see cref="Payload"/> is backed by this manager, so a transport can find the owner of
/// a message with <see cref="TryGetOwner"/>.
/// </summary>
public sealed class PooledPacketBuffer : MemoryManager<byte>, IBufferWriter<byte>
{
    private const int InitialSize = 1024;
    private const int MaxRetainedSize = 64 * 1024;
    private static readonly PooledPacketBuffer?[] s_pool = new PooledPacketBuffer?[Math.Max(16, Environment.ProcessorCount * 8)];

    private byte[] _array;
    private int _start;
    private int _written;
    private int _refs;

    private PooledPacketBuffer()
    {
        _array = ArrayPool<byte>.Shared.Rent(InitialSize);
    }

    /// <summary>How many holders the buffer has (tests and diagnostics).</summary>
    public int ReferenceCount => Volatile.Read(ref _refs);

    /// <summary>The bytes of the finished packet.</summary>
    public ReadOnlyMemory<byte> Payload => CreateMemory(_start, _written - _start);

    /// <summary>The payload as a span (for the writer that owns the buffer).</summary>
    public ReadOnlySpan<byte> PayloadSpan => _array.AsSpan(_start, _written - _start);

    /// <summary>Bytes written so far, reserved prefix included.</summary>
    public int WrittenCount => _written;

    /// <summary>A buffer with one reference (the caller's) and <paramref name="reserve"/> bytes kept free in front for a header.</summary>
    public static PooledPacketBuffer Rent(int reserve = 0)
    {
        PooledPacketBuffer? buffer = null;
        var pool = s_pool;
        for (var i = 0; i < pool.Length; i++)
        {
            if (pool[i] is not null && (buffer = Interlocked.Exchange(ref pool[i], null)) is not null)
            {
                break;
            }
        }

        buffer ??= new PooledPacketBuffer();
        buffer._refs = 1;
        buffer._start = 0;
        buffer._written = 0;
        if (reserve > 0)
        {
            buffer.GetSpan(reserve);
            buffer._written = reserve;
        }

        return buffer;
    }

    /// <summary>The buffer that backs <paramref name="memory"/>, when it is a pooled packet buffer.</summary>
    public static bool TryGetOwner(ReadOnlyMemory<byte> memory, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out PooledPacketBuffer? owner)
    {
        if (MemoryMarshal.TryGetMemoryManager(memory, out owner, out _, out _) && owner is not null)
        {
            return true;
        }

        owner = null;
        return false;
    }

    /// <summary>Takes one more reference (a transport queued the bytes).</summary>
    public void AddRef()
    {
        var refs = Interlocked.Increment(ref _refs);
        Debug.Assert(refs > 1, "AddRef on a released buffer");
    }

    /// <summary>Gives a reference back; the last one returns the buffer to the pool.</summary>
    public void Release()
    {
        var refs = Interlocked.Decrement(ref _refs);
        if (refs > 0)
        {
            return;
        }

        Debug.Assert(refs == 0, "Release without a reference");
        if (_array.Length > MaxRetainedSize)
        {
            ArrayPool<byte>.Shared.Return(_array);
            _array = ArrayPool<byte>.Shared.Rent(InitialSize);
        }

        _written = 0;
        _start = 0;
        var pool = s_pool;
        for (var i = 0; i < pool.Length; i++)
        {
            if (pool[i] is null && Interlocked.CompareExchange(ref pool[i], this, null) is null)
            {
                return;
            }
        }

        // Pool full: let the GC take it, the array goes back to the array pool.
        ArrayPool<byte>.Shared.Return(_array);
        _array = [];
    }

    /// <summary>Marks where the payload starts (after writing a header into the reserved prefix).</summary>
    public void SetStart(int start)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start, _written);
        _start = start;
    }

    /// <summary>Writable access to bytes already written (to fill the reserved prefix).</summary>
    public Span<byte> GetWrittenSpan(int start, int length) => _array.AsSpan(start, length);

    /// <summary>Marks <paramref name="count"/> more bytes as written.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    /// <exception cref="InvalidOperationException">The bytes were not obtained from <see cref="GetSpan(int)"/> or <see cref="GetMemory(int)"/>.</exception>
    public void Advance(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (_written + count > _array.Length)
        {
            throw new InvalidOperationException("Advanced past the end of the buffer.");
        }

        _written += count;
    }

    /// <summary>Room for at least <paramref name="sizeHint"/> more bytes (at least one), growing the array when needed.</summary>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsMemory(_written);
    }

    /// <summary>Room for at least <paramref name="sizeHint"/> more bytes (at least one), growing the array when needed.</summary>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _array.AsSpan(_written);
    }

    private void Ensure(int sizeHint)
    {
        if (sizeHint < 1)
        {
            sizeHint = 1;
        }

        if (_array.Length - _written >= sizeHint)
        {
            return;
        }

        var next = ArrayPool<byte>.Shared.Rent(Math.Max(_array.Length * 2, _written + sizeHint));
        _array.AsSpan(0, _written).CopyTo(next);
        if (_array.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_array);
        }

        _array = next;
    }

    /// <summary>The whole underlying array, written or not (what <see cref="MemoryManager{T}"/> requires; use <see cref="Payload"/> for the packet).</summary>
    public override Span<byte> GetSpan() => _array;

    /// <summary>Pins the underlying array with a GC handle until the returned handle is disposed.</summary>
    public override MemoryHandle Pin(int elementIndex = 0)
    {
        var handle = GCHandle.Alloc(_array, GCHandleType.Pinned);
        unsafe
        {
            return new MemoryHandle((byte*)handle.AddrOfPinnedObject() + elementIndex, handle);
        }
    }

    /// <summary>Nothing to do: the handle returned by <see cref="Pin"/> frees itself when disposed.</summary>
    public override void Unpin()
    {
    }

    /// <summary>The whole underlying array.</summary>
    protected override bool TryGetArray(out ArraySegment<byte> segment)
    {
        segment = new ArraySegment<byte>(_array);
        return true;
    }

    /// <summary>Nothing to do: the array goes back to the pool through <see cref="Release"/>, not through disposal.</summary>
    protected override void Dispose(bool disposing)
    {
    }
}
