//! The wasmCloud 1.x HTTP server capability provider (wasmcloud-provider-http-server
//! 0.27.1), as its own binary: the host starts it from the provider archive and
//! hands it its configuration on stdin.  Written for edgebench.
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    wasmcloud_provider_http_server::run().await
}
