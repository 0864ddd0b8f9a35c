from superviser.cli import main

main()
