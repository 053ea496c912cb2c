// Bare socket.io 4 reference server for bench/node_compare.py: one process, no auth, no
// storage; "join" enters one room, "chat" is echoed to it as "msg" (as bench/bare_server.py).
const http = require("http");
const { Server } = require("socket.io");

const port = Number(process.env.PORT || 3000);
const server = http.createServer((req, res) => {
  if (req.url === "/api/v1/openapi.json") {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end('{"ok": true}');
    return;
  }
  res.writeHead(404);
  res.end();
});
const io = new Server(server, { maxHttpBufferSize: 64 * 1024, cors: { origin: "*" } });
io.on("connection", (socket) => {
  socket.on("join", (_payload, ack) => {
    socket.join("room");
    if (typeof ack === "function") ack({ ok: true });
  });
  socket.on("chat", (payload, ack) => {
    io.to("room").emit("msg", { text: payload && payload.text });
    if (typeof ack === "function") ack({ ok: true });
  });
});
server.listen(port, "127.0.0.1");
