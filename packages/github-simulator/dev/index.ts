// Entry point of `backstage-cli package start` (role node-library starts dev/index).
import '../src/main';
