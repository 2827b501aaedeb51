"""绿策通 GreenMeasures — start the window, or run a command (see shared/contract/cli.md)."""
from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    from core import cli

    parser = argparse.ArgumentParser(
        prog="main.py", description="绿策通 GreenMeasures：深圳绿色低碳扶持措施查询与申报准备")
    parser.add_argument("--kiosk", action="store_true",
                        help="自助终端模式：全屏、访客数据不落盘、管理密码解锁（见 docs/kiosk.md）")
    parser.add_argument("--smoke-test", action="store_true",
                        help="自检：打开数据库、评估示例档案、生成清单 PDF 后退出（打包后验证用）")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    cli.add_check_command(sub)
    cli.add_checklist_command(sub)
    cli.add_measures_command(sub)
    cli.add_pack_command(sub)
    cli.add_kiosk_command(sub)
    cli.add_batch_command(sub)
    return parser


def window_module():
    """ui.app, with the Qt-free modules it starts with imported before PySide6: PySide6's import
    hook (its __feature__ switch) reads the source of every module imported after it, about
    0.25 ms each when running from source, and these bring some twenty standard modules with
    them (docs/benchmarks.md, start-up)."""
    import core.i18n
    import core.settings  # noqa: F401 - imported for the order, see above
    from ui import app
    return app


def run_window(kiosk: bool) -> int:
    app = window_module()
    if kiosk or app.kiosk_configured():
        return app.run_kiosk(sys.argv[:1])
    return app.run_app(sys.argv[:1])


def main(argv: list[str] | None = None) -> int:
    if not (sys.argv[1:] if argv is None else argv):
        # The window, as a user starts it: the commands' parser would import core.cli and every
        # command's modules (engine, batch, packs) before the window could paint.
        return run_window(kiosk=False)
    args = build_parser().parse_args(argv)
    if args.smoke_test:
        from ui.smoke import run_smoke_test
        return run_smoke_test()
    if args.command is None:
        return run_window(args.kiosk)
    # Here, not above: the validator imports the YAML reader, which the window does not need.
    from core.measures.store import DatabaseError
    from core.measures.validate import DataError

    try:
        return args.run(args)
    except DataError as exc:
        print("措施数据有误，无法生成数据库：", file=sys.stderr)
        print(str(exc), file=sys.stderr)
        return 3
    except DatabaseError as exc:
        print(str(exc), file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # last resort: a message, never a traceback, for the user
        print(f"内部错误：{type(exc).__name__}: {exc}", file=sys.stderr)
        return 70


if __name__ == "__main__":
    sys.exit(main())
