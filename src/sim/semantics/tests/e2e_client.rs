//! A minimal HTTP/1.1 client for replaying golden requests against the sim.

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A response: status code and parsed body (a string when not JSON).
pub struct Reply {
    pub status: u16,
    pub body: Value,
}

/// Sends the `request` of a golden file to the server at `addr`.
pub async fn send(addr: std::net::SocketAddr, request: &Value, user_agent: &str) -> Reply {
    let method = request["method"].as_str().unwrap_or("GET");
    let path = request["path"].as_str().unwrap_or("/");
    let body = match &request["body"] {
        Value::Null => String::new(),
        b => serde_json::to_string(b).unwrap(),
    };
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: sim\r\nConnection: close\r\nUser-Agent: {user_agent}\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(h) = request["headers"].as_object() {
        for (k, v) in h {
            head.push_str(&format!("{k}: {}\r\n", v.as_str().unwrap_or_default()));
        }
    }
    head.push_str("\r\n");
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(body.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    parse(&raw)
}

fn parse(raw: &[u8]) -> Reply {
    let text = String::from_utf8_lossy(raw);
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let chunked = head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked");
    let body = if chunked {
        dechunk(rest)
    } else {
        rest.to_string()
    };
    let body = serde_json::from_str(&body).unwrap_or(Value::String(body));
    Reply { status, body }
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].trim_start_matches("\r\n");
    }
    out
}
