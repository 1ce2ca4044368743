//! TCP connections that a handler can cut off with a reset (the `reset` fault).
//!
//! axum gives handlers no way to drop their connection, so every accepted stream
//! is wrapped: once a handler flips the connection's reset flag, the stream fails
//! all further reads and writes, hyper gives up on the connection and drops it,
//! and the zero linger set on the way makes the kernel close it with a TCP RST.
//! The handler's own response is never written.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};

use axum::extract::connect_info::Connected;
use axum::serve::{IncomingStream, Listener};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

pub struct ResettableListener(pub TcpListener);

pub struct ResettableStream {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

/// What a handler knows about its connection (axum's `ConnectInfo`).
#[derive(Clone, Debug)]
pub struct Connection {
    pub remote: SocketAddr,
    reset: Arc<AtomicBool>,
}

impl Connection {
    /// Abort the connection instead of answering.
    pub fn reset(&self) {
        self.reset.store(true, Ordering::SeqCst);
    }
}

impl Listener for ResettableListener {
    type Io = ResettableStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        // axum's own accept loop retries failed accepts.
        let (stream, remote) = Listener::accept(&mut self.0).await;
        // Without TCP_NODELAY, Nagle's algorithm and the browser's delayed ACK hold
        // every later answer on a kept-alive connection for ~40 ms.
        let _ = stream.set_nodelay(true);
        (
            ResettableStream {
                stream,
                reset: Arc::default(),
            },
            remote,
        )
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.0.local_addr()
    }
}

impl Connected<IncomingStream<'_, ResettableListener>> for Connection {
    fn connect_info(incoming: IncomingStream<'_, ResettableListener>) -> Self {
        Connection {
            remote: *incoming.remote_addr(),
            reset: incoming.io().reset.clone(),
        }
    }
}

impl ResettableStream {
    fn check(&self) -> io::Result<()> {
        if !self.reset.load(Ordering::SeqCst) {
            return Ok(());
        }
        // Best effort: without it the close is a plain FIN, which still ends the request.
        let _ = self.stream.set_zero_linger();
        Err(io::ErrorKind::ConnectionReset.into())
    }
}

impl AsyncRead for ResettableStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.check()?;
        Pin::new(&mut this.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResettableStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.check()?;
        Pin::new(&mut this.stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.check()?;
        Pin::new(&mut this.stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        this.check()?;
        Pin::new(&mut this.stream).poll_shutdown(cx)
    }
}
